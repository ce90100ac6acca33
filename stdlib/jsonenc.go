package stdlib

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// jsonTypeField is the metatable field that marks how a table encodes:
// "array" makes it a JSON array even when empty. json.array sets it.
const jsonTypeField = "__jsontype"

// PathElem is one step into a value: an object key, or a 1-based array index
// when Index is above zero.
type PathElem struct {
	Key   string
	Index int
}

// Path locates a value inside the one being encoded. Its String form is the
// one the fly bindings use in errors: "config.guest.cpus", "mounts[1].path".
type Path []PathElem

// String renders the path; the root is "".
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch {
		case e.Index > 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case IsIdentifier(e.Key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Key)
		default:
			b.WriteString("[")
			b.WriteString(strconv.Quote(e.Key))
			b.WriteString("]")
		}
	}
	return b.String()
}

// EncodeError is the error of an encoding that failed at one place.
type EncodeError struct {
	Path Path
	Msg  string
}

// Error reads "config.self: cycle detected", or the bare message at the root.
func (e *EncodeError) Error() string {
	if p := e.Path.String(); p != "" {
		return p + ": " + e.Msg
	}
	return e.Msg
}

// Encoder turns Lua values into JSON. The zero value encodes compactly with
// sorted object keys; see ToJSON for the rules.
type Encoder struct {
	// Indent, when not empty, puts every array element and object member on
	// its own line, indented by Indent per level.
	Indent string
	// EmptyArray decides whether an empty table without an array mark
	// encodes as [] instead of {}. The bindings answer from the schema.
	EmptyArray func(path Path) bool
	// Hook, when set, sees every value before the default conversion. When
	// it returns handled, raw (which must be valid JSON) is written instead.
	// path is only valid during the call.
	Hook func(path Path, v lua.LValue) (raw []byte, handled bool, err error)
	// Context, when set, bounds the time encoding takes: soon after it
	// ends, Encode fails with its error.
	Context context.Context
	// MaxBytes, when positive, bounds the memory the encoding takes: the
	// JSON grows by doubling, so Encode fails before it would be longer
	// than half of MaxBytes.
	MaxBytes int
}

// MaxEncodeDepth is how deeply nested a value may be to encode: as deep as
// FromJSON decodes, so that whatever was decoded encodes again. Deeper
// values fail with an error rather than exhaust the Go stack.
const MaxEncodeDepth = maxDepth

// ToJSON encodes v compactly with the default Encoder:
//
//   - nil and json.null are null; booleans and strings are themselves
//     (invalid UTF-8 becomes U+FFFD);
//   - whole numbers are written as integers (1, never 1.0), other numbers in
//     the shortest form that reads back exactly; NaN and infinities fail;
//   - a table is an array when its keys are exactly 1..n, or when it carries
//     the array mark of json.array (then any positive integer keys, holes
//     written as null); otherwise an object with keys sorted; number keys
//     become strings, other key types fail; an empty table is {};
//   - a metatable field __jsontype = "array" or "object" forces the kind
//     (json.array sets the first; a record metatable may set the second);
//   - a table that contains itself fails with the path where the cycle
//     closes; functions, threads and other userdata fail.
func ToJSON(v lua.LValue) ([]byte, error) {
	var e Encoder
	return e.Encode(v)
}

// Encode converts v to JSON.
func (e *Encoder) Encode(v lua.LValue) ([]byte, error) {
	st := encodeState{enc: e, buf: make([]byte, 0, 256), visited: map[*lua.LTable]bool{}}
	if err := st.value(v); err != nil {
		return nil, err
	}
	return st.buf, nil
}

type encodeState struct {
	enc     *Encoder
	buf     []byte
	path    Path
	visited map[*lua.LTable]bool // the tables being encoded
	depth   int                  // how many of them
	count   int                  // values encoded, for the context checks
	// keyStack holds the sorted keys of the objects being encoded, the
	// innermost last.
	keyStack []objectKey
}

func (s *encodeState) fail(msg string) error {
	return &EncodeError{Path: slices.Clone(s.path), Msg: msg}
}

func (s *encodeState) newline() {
	if s.enc.Indent == "" {
		return
	}
	s.buf = append(s.buf, '\n')
	for range s.depth {
		s.buf = append(s.buf, s.enc.Indent...)
	}
}

func (s *encodeState) value(v lua.LValue) error {
	s.count++
	if s.count%checkEvery == 0 && s.enc.Context != nil {
		if err := s.enc.Context.Err(); err != nil {
			return err
		}
	}
	if s.enc.Hook != nil {
		raw, handled, err := s.enc.Hook(s.path, v)
		if err != nil {
			return err
		}
		if handled {
			s.buf = append(s.buf, raw...)
			return nil
		}
	}
	switch v := v.(type) {
	case *lua.LNilType:
		s.buf = append(s.buf, "null"...)
	case lua.LBool:
		s.buf = strconv.AppendBool(s.buf, bool(v))
	case lua.LNumber:
		f := float64(v)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return s.fail("cannot encode " + formatNumber(f) + " (JSON has no NaN or infinity)")
		}
		s.buf = appendNumber(s.buf, f)
	case lua.LString:
		if m := s.enc.MaxBytes; m > 0 && 2*(len(s.buf)+len(v)) > m {
			return &EncodeError{Msg: fmt.Sprintf("the JSON would take more than the %s left of the run's memory budget", FormatBytes(uint64(m)))}
		}
		s.buf = appendString(s.buf, string(v))
	case *lua.LTable:
		return s.table(v)
	case *lua.LUserData:
		if IsNull(v) {
			s.buf = append(s.buf, "null"...)
			return nil
		}
		return s.fail("cannot encode a userdata")
	default:
		return s.fail("cannot encode a " + v.Type().String())
	}
	return nil
}

// appendNumber writes whole numbers as integers and others in the shortest
// exact form, switching to exponents outside [1e-6, 1e21) as JavaScript does.
func appendNumber(b []byte, f float64) []byte {
	abs := math.Abs(f)
	if f == math.Trunc(f) && abs < 1e21 {
		if abs < 1<<63 {
			return strconv.AppendInt(b, int64(f), 10)
		}
		return strconv.AppendFloat(b, f, 'f', 0, 64) // the exact value
	}
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		n := len(b)
		b = strconv.AppendFloat(b, f, 'e', -1, 64)
		// 1e-07 reads better, and as in encoding/json, as 1e-7.
		if m := len(b); m-n >= 4 && b[m-4] == 'e' && b[m-3] == '-' && b[m-2] == '0' {
			b[m-2] = b[m-1]
			b = b[:m-1]
		}
		return b
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string: quotes, backslashes and control
// characters escaped, U+2028 and U+2029 escaped, invalid UTF-8 replaced.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func (s *encodeState) table(t *lua.LTable) error {
	if err := lazy.Force(t); err != nil { // a record whose members were kept aside
		return s.fail(err.Error())
	}
	if s.visited[t] {
		return s.fail("cycle detected (a table contains itself)")
	}
	if s.depth >= MaxEncodeDepth {
		return &EncodeError{Msg: fmt.Sprintf("cannot encode a table nested more than %d levels deep", MaxEncodeDepth)}
	}
	marked := jsonType(t)

	// The common case first: a pure sequence, found without boxing keys.
	if marked != "object" {
		if n, ok := sequenceLen(t); ok {
			if n == 0 && marked != "array" && (s.enc.EmptyArray == nil || !s.enc.EmptyArray(s.path)) {
				s.buf = append(s.buf, "{}"...)
				return nil
			}
			return s.array(t, n)
		}
	}

	base := len(s.keyStack)
	defer func() { s.keyStack = s.keyStack[:base] }()
	keys, err := s.keys(t)
	if err != nil {
		return err
	}
	if marked == "array" {
		n := 0
		for _, k := range keys {
			if k.index <= 0 {
				return s.fail("table marked as array has key " + strconv.Quote(k.name))
			}
			n = max(n, k.index)
		}
		return s.array(t, n)
	}
	return s.object(t, keys)
}

// jsonType reads the mark in t's metatable: "array", "object" or "".
func jsonType(t *lua.LTable) string {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return ""
	}
	if v, ok := mt.RawGetString(jsonTypeField).(lua.LString); ok {
		return string(v)
	}
	return ""
}

// sequenceLen reports whether t's keys are exactly 1..n.
func sequenceLen(t *lua.LTable) (int, bool) {
	n := t.Len()
	for i := 1; i <= n; i++ {
		if t.RawGetInt(i) == lua.LNil {
			return 0, false
		}
	}
	var k lua.LValue
	if n == 0 {
		k, _ = t.Next(lua.LNil)
	} else {
		k, _ = t.Next(lua.LNumber(n))
	}
	return n, k == lua.LNil
}

func (s *encodeState) array(t *lua.LTable, n int) error {
	s.visited[t] = true
	s.depth++
	s.buf = append(s.buf, '[')
	for i := 1; i <= n; i++ {
		if i > 1 {
			s.buf = append(s.buf, ',')
		}
		s.newline()
		s.path = append(s.path, PathElem{Index: i})
		if err := s.value(t.RawGetInt(i)); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
	}
	delete(s.visited, t)
	s.depth--
	if n > 0 {
		s.newline()
	}
	s.buf = append(s.buf, ']')
	return nil
}

type objectKey struct {
	name  string
	key   lua.LValue
	index int // the positive integer the key is, or 0
}

// keys lists t's keys as JSON member names, sorted, on top of keyStack
// (the caller truncates it when done with them).
func (s *encodeState) keys(t *lua.LTable) ([]objectKey, error) {
	base := len(s.keyStack)
	var err error
	t.ForEach(func(k, _ lua.LValue) {
		if err != nil {
			return
		}
		switch k := k.(type) {
		case lua.LString:
			s.keyStack = append(s.keyStack, objectKey{name: string(k), key: k})
		case lua.LNumber:
			f := float64(k)
			if math.IsNaN(f) || math.IsInf(f, 0) {
				err = s.fail("cannot encode key " + k.String())
				return
			}
			ok := objectKey{name: string(appendNumber(nil, f)), key: k}
			if f == math.Trunc(f) && f >= 1 && f < 1<<53 {
				ok.index = int(f)
			}
			s.keyStack = append(s.keyStack, ok)
		default:
			err = s.fail("cannot encode a table with a " + k.Type().String() + " key")
		}
	})
	if err != nil {
		return nil, err
	}
	keys := s.keyStack[base:]
	slices.SortFunc(keys, func(a, b objectKey) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(keys); i++ {
		if keys[i].name == keys[i-1].name {
			return nil, s.fail("a string key and a number key both encode as " + strconv.Quote(keys[i].name))
		}
	}
	return keys, nil
}

func (s *encodeState) object(t *lua.LTable, keys []objectKey) error {
	s.visited[t] = true
	s.depth++
	s.buf = append(s.buf, '{')
	for i, k := range keys {
		if i > 0 {
			s.buf = append(s.buf, ',')
		}
		s.newline()
		s.buf = appendString(s.buf, k.name)
		s.buf = append(s.buf, ':')
		if s.enc.Indent != "" {
			s.buf = append(s.buf, ' ')
		}
		s.path = append(s.path, PathElem{Key: k.name})
		if err := s.value(t.RawGet(k.key)); err != nil {
			return err
		}
		s.path = s.path[:len(s.path)-1]
	}
	delete(s.visited, t)
	s.depth--
	if len(keys) > 0 {
		s.newline()
	}
	s.buf = append(s.buf, '}')
	return nil
}

// luaKeywords are the reserved words of Lua 5.1 (plus goto, which
// gopher-lua reserves).
var luaKeywords = map[string]bool{
	"and": true, "break": true, "do": true, "else": true, "elseif": true, "end": true,
	"false": true, "for": true, "function": true, "goto": true, "if": true, "in": true,
	"local": true, "nil": true, "not": true, "or": true, "repeat": true, "return": true,
	"then": true, "true": true, "until": true, "while": true,
}

// IsIdentifier reports whether s can be written as a bare Lua name (a
// table key without ["..."], a field after a dot): letters, digits and
// underscores, not starting with a digit, and not a reserved word.
func IsIdentifier(s string) bool {
	if s == "" || luaKeywords[s] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9') {
			continue
		}
		return false
	}
	return true
}
