package bindings

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/editdist"
	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/stdlib"
)

// fieldError is a strict-table violation: the path of the offending field
// ("config.guest.cpus") and what is wrong with it.
type fieldError struct {
	Path string
	Msg  string
	// Range marks an integer out of the exact range: a positional argument
	// names its field in that message too, not only its type.
	Range bool
}

func (e *fieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// path is a field path built only when an error needs it.
type path struct {
	parent *path
	key    string
	index  int // 1-based array index when key is ""
}

func (p *path) String() string {
	if p == nil {
		return ""
	}
	var parts []string
	for q := p; q != nil; q = q.parent {
		if q.key != "" {
			parts = append(parts, q.key)
		} else {
			parts = append(parts, "["+strconv.Itoa(q.index)+"]")
		}
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		if b.Len() > 0 && !strings.HasPrefix(parts[i], "[") {
			b.WriteByte('.')
		}
		b.WriteString(parts[i])
	}
	return b.String()
}

func (p *path) field(k string) *path { return &path{parent: p, key: k} }
func (p *path) elem(i int) *path     { return &path{parent: p, index: i} }

// encoder writes JSON from Lua values, validating them against a schema on
// the way: one walk gives both the body and the first error.
type encoder struct {
	buf     []byte
	depth   int
	arrayMT *lua.LTable // the json module's array mark: such a table encodes as an array even when empty
}

func (e *encoder) fail(p *path, format string) *fieldError {
	return &fieldError{Path: p.String(), Msg: format}
}

// luaTypeName names a Lua value's type as Lua does.
func luaTypeName(v lua.LValue) string {
	return v.Type().String()
}

func (e *encoder) isNull(v lua.LValue) bool {
	return stdlib.IsNull(v)
}

// value encodes v, which must match s (nil s: anything goes).
func (e *encoder) value(v lua.LValue, s *Schema, p *path) *fieldError {
	if e.isNull(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	if t, ok := v.(*lua.LTable); ok {
		if err := lazy.Force(t); err != nil { // a record read back whole
			return e.fail(p, err.Error())
		}
	}
	typ := ""
	if s != nil {
		typ = s.Type
	}
	switch typ {
	case "string":
		str, ok := v.(lua.LString)
		if !ok {
			return e.fail(p, "expected string, got "+luaTypeName(v))
		}
		if len(s.Enum) > 0 && !contains(s.Enum, string(str)) {
			return e.fail(p, enumMessage(string(str), s.Enum))
		}
		e.str(string(str))
	case "integer":
		n, ok := v.(lua.LNumber)
		if !ok {
			return e.fail(p, "expected integer, got "+luaTypeName(v))
		}
		f := float64(n)
		if msg := integerError(f); msg != "" {
			err := e.fail(p, msg)
			err.Range = f == math.Trunc(f) && !math.IsInf(f, 0)
			return err
		}
		e.number(f)
	case "number":
		n, ok := v.(lua.LNumber)
		if !ok {
			return e.fail(p, "expected number, got "+luaTypeName(v))
		}
		if math.IsInf(float64(n), 0) || math.IsNaN(float64(n)) {
			return e.fail(p, "expected a finite number, got "+formatNumber(float64(n)))
		}
		e.number(float64(n))
	case "boolean":
		b, ok := v.(lua.LBool)
		if !ok {
			return e.fail(p, "expected boolean, got "+luaTypeName(v))
		}
		if b {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case "array":
		if str, ok := v.(lua.LString); ok && s.IsBytes() {
			e.byteArray([]byte(str)) // a byte field given as a Lua string of bytes
			return nil
		}
		t, ok := v.(*lua.LTable)
		if !ok {
			return e.fail(p, "expected array, got "+luaTypeName(v))
		}
		return e.array(t, s.Items, p)
	case "object":
		t, ok := v.(*lua.LTable)
		if !ok {
			return e.fail(p, "expected table, got "+luaTypeName(v))
		}
		switch {
		case len(s.Properties) > 0:
			return e.object(t, s, p)
		case s.Additional != nil:
			return e.mapping(t, s.Additional, p)
		default:
			return e.free(v, p)
		}
	default:
		return e.free(v, p)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func enumMessage(got string, enum []string) string {
	msg := "expected one of " + quoteList(enum) + ", got " + strconv.Quote(got)
	if s := suggest(got, enum); s != "" {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func formatNumber(f float64) string {
	return "number " + strconv.FormatFloat(f, 'g', -1, 64)
}

// maxExactInteger is 2^53: every whole number up to it is exact in a Lua
// number (a float64), and the first one past it is not.
const maxExactInteger = 1 << 53

// integerError says what is wrong with f as the value of an integer field,
// or returns "". Past ±2^53 a Lua number no longer holds every integer, so
// the value sent might not be the one the script meant: it is refused.
func integerError(f float64) string {
	switch {
	case f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f):
		return "expected integer, got " + formatNumber(f)
	case math.Abs(f) > maxExactInteger:
		return "expected integer, got " + formatNumber(f) + " (out of range: integers are exact only up to 2^53)"
	}
	return ""
}

// number writes f as a whole number when it is one (1, never 1.0, and never
// in exponent form within the int64 range: 2^63 is "9223372036854775808").
// Whole numbers past the int64 range, which no integer field takes, and
// fractions are written in the shortest form that reads back the same.
func (e *encoder) number(f float64) {
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		e.buf = strconv.AppendInt(e.buf, int64(f), 10)
		return
	}
	e.buf = strconv.AppendFloat(e.buf, f, 'g', -1, 64)
}

// arrayLen returns the length of t when it is a sequence (keys 1..n only),
// or -1 and the first key that is not.
func arrayLen(t *lua.LTable) (int, lua.LValue) {
	n := t.Len()
	var bad lua.LValue
	count := 0
	t.ForEach(func(k, _ lua.LValue) {
		if bad != nil {
			return
		}
		count++
		if kn, ok := k.(lua.LNumber); ok {
			i := float64(kn)
			if i == math.Trunc(i) && i >= 1 && i <= float64(n) {
				return
			}
		}
		bad = k
	})
	if bad != nil || count != n {
		if bad == nil {
			bad = lua.LNil
		}
		return -1, bad
	}
	return n, nil
}

func (e *encoder) array(t *lua.LTable, items *Schema, p *path) *fieldError {
	n, bad := arrayLen(t)
	if n < 0 {
		return e.fail(p, "expected array, got table with key "+keyString(bad))
	}
	if err := e.enter(p); err != nil {
		return err
	}
	e.buf = append(e.buf, '[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			e.buf = append(e.buf, ',')
		}
		v := t.RawGetInt(i)
		if v == lua.LNil {
			e.buf = append(e.buf, "null"...)
			continue
		}
		if err := e.value(v, items, p.elem(i)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, ']')
	e.depth--
	return nil
}

// byteArray writes b as the document's array of integers 0-255.
func (e *encoder) byteArray(b []byte) {
	e.buf = append(e.buf, '[')
	for i, x := range b {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = strconv.AppendUint(e.buf, uint64(x), 10)
	}
	e.buf = append(e.buf, ']')
}

func keyString(k lua.LValue) string {
	if s, ok := k.(lua.LString); ok {
		return strconv.Quote(string(s))
	}
	return k.String()
}

const maxDepth = 200

func (e *encoder) enter(p *path) *fieldError {
	e.depth++
	if e.depth > maxDepth {
		return e.fail(p, fmt.Sprintf("table nested more than %d levels deep (a table that contains itself?)", maxDepth))
	}
	return nil
}

// sortedStringKeys returns t's keys when all are strings, sorted, or the
// first key that is not a string.
func sortedStringKeys(t *lua.LTable) ([]string, lua.LValue) {
	var keys []string
	var bad lua.LValue
	t.ForEach(func(k, _ lua.LValue) {
		if bad != nil {
			return
		}
		s, ok := k.(lua.LString)
		if !ok {
			bad = k
			return
		}
		keys = append(keys, string(s))
	})
	sort.Strings(keys)
	return keys, bad
}

func (e *encoder) object(t *lua.LTable, s *Schema, p *path) *fieldError {
	keys, bad := sortedStringKeys(t)
	if bad != nil {
		if _, isNum := bad.(lua.LNumber); isNum && t.Len() > 0 {
			return e.fail(p, "expected table with named fields, got an array")
		}
		return e.fail(p, "field names must be strings, got "+luaTypeName(bad)+" key "+bad.String())
	}
	if err := e.enter(p); err != nil {
		return err
	}
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		ps, ok := s.Properties[k]
		if !ok {
			return e.fail(p.field(k), unknownField(k, s.names))
		}
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.str(k)
		e.buf = append(e.buf, ':')
		if err := e.value(t.RawGetString(k), ps, p.field(k)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	e.depth--
	return nil
}

// unknownField is the message for a key a schema does not know.
func unknownField(k string, known []string) string {
	msg := "unknown field"
	if s := suggest(k, known); s != "" {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	}
	return msg
}

func (e *encoder) mapping(t *lua.LTable, values *Schema, p *path) *fieldError {
	keys, bad := sortedStringKeys(t)
	if bad != nil {
		return e.fail(p, "keys must be strings, got "+luaTypeName(bad)+" key "+bad.String())
	}
	if err := e.enter(p); err != nil {
		return err
	}
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.str(k)
		e.buf = append(e.buf, ':')
		if err := e.value(t.RawGetString(k), values, p.field(k)); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	e.depth--
	return nil
}

// free encodes a value the schema says nothing about: sequences become
// arrays, other tables objects, an empty table {}.
func (e *encoder) free(v lua.LValue, p *path) *fieldError {
	if e.isNull(v) {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	switch x := v.(type) {
	case lua.LString:
		e.str(string(x))
	case lua.LNumber:
		f := float64(x)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return e.fail(p, "cannot encode "+formatNumber(f)+" as JSON")
		}
		e.number(f)
	case lua.LBool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case *lua.LNilType:
		e.buf = append(e.buf, "null"...)
	case *lua.LTable:
		if n, _ := arrayLen(x); n > 0 || (e.arrayMT != nil && x.Metatable == e.arrayMT) {
			return e.array(x, nil, p)
		}
		return e.mapping(x, nil, p)
	default:
		return e.fail(p, "cannot encode a "+luaTypeName(v)+" as JSON")
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// str writes s as a JSON string.
func (e *encoder) str(s string) {
	e.buf = append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			e.buf = append(e.buf, s[start:i]...)
			switch c {
			case '"', '\\':
				e.buf = append(e.buf, '\\', c)
			case '\n':
				e.buf = append(e.buf, '\\', 'n')
			case '\r':
				e.buf = append(e.buf, '\\', 'r')
			case '\t':
				e.buf = append(e.buf, '\\', 't')
			default:
				e.buf = append(e.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			e.buf = append(e.buf, s[start:i]...)
			e.buf = append(e.buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	e.buf = append(e.buf, s[start:]...)
	e.buf = append(e.buf, '"')
}

// suggest returns the candidate nearest to s when it is near enough to be
// what was meant.
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editdist.Distance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	limit := 2
	if len(s) <= 3 {
		limit = 1
	}
	if l := len(s) / 3; l > limit {
		limit = l
	}
	if best != "" && (bestD <= limit || strings.HasPrefix(best, s) || strings.HasPrefix(s, best)) {
		return best
	}
	return ""
}
