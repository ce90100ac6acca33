package stdlib

import (
	"fmt"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// maxDepth bounds the nesting FromJSON accepts, as encoding/json does.
const maxDepth = 10000

// jsonNull is the Value of the json.null userdata.
type jsonNull struct{}

// Null returns L's json.null: the value json.decode gives for JSON null and
// json.encode writes as null. There is one per VM, so json.null ==
// json.null; tostring gives "json.null".
func Null(L *lua.LState) lua.LValue { return get(L).null }

// IsNull reports whether v is json.null (of any VM).
func IsNull(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(jsonNull)
	return ok
}

// DecodeOption changes how FromJSON builds values.
type DecodeOption func(*decoder)

// NullAsNil makes FromJSON represent JSON null as nil: object members that
// are null are left out of their table, as if absent, and null array
// elements leave holes. This is how the fly bindings present API results.
func NullAsNil() DecodeOption {
	return func(d *decoder) { d.null = lua.LNil }
}

// FromJSON decodes one JSON document into Lua values in L: objects become
// tables, arrays become sequences carrying the array mark (so that they
// encode back as arrays even when emptied), numbers become numbers (whole
// numbers beyond 2^53 keep their magnitude but, as in every Lua 5.1, not
// every digit), and null becomes json.null unless NullAsNil is given.
// Strings are kept byte for byte. Anything but whitespace after the value
// is an error.
func FromJSON(L *lua.LState, data []byte, opts ...DecodeOption) (lua.LValue, error) {
	in := get(L)
	d := decoder{L: L, data: data, null: in.null, arrayMT: in.arrayMT, ints: smallInts()}
	for _, o := range opts {
		o(&d)
	}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.pos < len(d.data) {
		return nil, d.syntaxError("unexpected " + d.describe() + " after the value")
	}
	return v, nil
}

// SyntaxError is the error of FromJSON on malformed input.
type SyntaxError struct {
	Offset       int // byte offset of the problem
	Line, Column int // 1-based, columns in bytes
	Msg          string
}

// Error reads "line 1, column 5: unexpected 'x', expected a value".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

type decoder struct {
	L       *lua.LState
	data    []byte
	pos     int
	null    lua.LValue
	arrayMT *lua.LTable
	count   int               // values decoded, for the checks of L's context
	ints    *[1024]lua.LValue // smallInts

	// Scratch stacks shared by every level: the values of the arrays and the
	// members of the objects being read, so each table is made at its final
	// size once its end is seen.
	vals []lua.LValue
	keys []string
	// Interned member names and short string values: API lists repeat the
	// same few ("id", "state", "started") thousands of times.
	names   map[string]string
	strings map[string]lua.LValue
}

// smallInts are the boxed whole numbers 0..1023, shared to save an
// allocation per number; made by the first decode rather than at every
// start of a program that may decode no JSON.
var smallInts = sync.OnceValue(func() *[1024]lua.LValue {
	var a [1024]lua.LValue
	for i := range a {
		a[i] = lua.LNumber(i)
	}
	return &a
})

func (d *decoder) syntaxError(msg string) error {
	line, col := 1, 1
	for _, c := range d.data[:min(d.pos, len(d.data))] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &SyntaxError{Offset: d.pos, Line: line, Column: col, Msg: msg}
}

// describe names the byte at pos for an error message.
func (d *decoder) describe() string {
	if d.pos >= len(d.data) {
		return "end of input"
	}
	c := d.data[d.pos]
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(depth int) (lua.LValue, error) {
	d.count++
	if d.count%checkEvery == 0 {
		// A huge document stops soon after the run's context ends (a
		// deadline, or the memory budget's watchdog).
		if ctx := d.L.Context(); ctx != nil && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	if d.pos >= len(d.data) {
		return nil, d.syntaxError("unexpected end of input, expected a value")
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return nil, err
		}
		return d.internValue(s), nil
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return lua.LTrue, d.literal("true")
	case c == 'f':
		return lua.LFalse, d.literal("false")
	case c == 'n':
		return d.null, d.literal("null")
	}
	return nil, d.syntaxError("unexpected " + d.describe() + ", expected a value")
}

func (d *decoder) literal(word string) error {
	end := d.pos + len(word)
	if end > len(d.data) || string(d.data[d.pos:end]) != word {
		return d.syntaxError("unexpected " + d.describe() + ", expected a value")
	}
	d.pos = end
	return nil
}

// enter steps into an object or array at pos, reporting whether it is
// empty (and then steps out of it too).
func (d *decoder) enter(depth int, end byte) (bool, error) {
	if depth > maxDepth {
		return false, d.syntaxError("nested too deeply")
	}
	d.pos++
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == end {
		d.pos++
		return true, nil
	}
	return false, nil
}

// more reads what follows a member or an element: true after a comma,
// false after end.
func (d *decoder) more(end byte) (bool, error) {
	d.skipSpace()
	if d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
			return true, nil
		case end:
			d.pos++
			return false, nil
		}
	}
	return false, d.syntaxError("unexpected " + d.describe() + ", expected ',' or '" + string(end) + "'")
}

func (d *decoder) object(depth int) (lua.LValue, error) {
	base := len(d.keys)
	if empty, err := d.enter(depth, '}'); empty || err != nil {
		return &lua.LTable{Metatable: lua.LNil}, err
	}
	for more := true; more; {
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.syntaxError("unexpected " + d.describe() + ", expected a member name")
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.syntaxError("unexpected " + d.describe() + ", expected ':'")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.keys = append(d.keys, d.intern(key))
		d.vals = append(d.vals, v)
		if more, err = d.more('}'); err != nil {
			return nil, err
		}
	}
	keys, vals := d.keys[base:], d.vals[len(d.vals)-(len(d.keys)-base):]
	t := d.L.CreateTable(0, len(keys))
	for i, k := range keys {
		t.RawSetString(k, vals[i])
	}
	clear(vals)
	d.keys, d.vals = d.keys[:base], d.vals[:len(d.vals)-len(vals)]
	return t, nil
}

func (d *decoder) array(depth int) (lua.LValue, error) {
	base := len(d.vals)
	if empty, err := d.enter(depth, ']'); empty || err != nil {
		return &lua.LTable{Metatable: d.arrayMT}, err
	}
	for more := true; more; {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.vals = append(d.vals, v)
		if more, err = d.more(']'); err != nil {
			return nil, err
		}
	}
	vals := d.vals[base:]
	t := d.L.CreateTable(len(vals), 0)
	t.Metatable = d.arrayMT
	for i, v := range vals {
		t.RawSetInt(i+1, v)
	}
	clear(vals)
	d.vals = d.vals[:base]
	return t, nil
}

// intern returns a shared copy of a member name.
func (d *decoder) intern(b []byte) string {
	if s, ok := d.names[string(b)]; ok {
		return s
	}
	s := string(b)
	if d.names == nil {
		d.names = make(map[string]string, 64)
	}
	if len(d.names) < 4096 {
		d.names[s] = s
	}
	return s
}

// internValue boxes a string value, sharing short ones.
func (d *decoder) internValue(b []byte) lua.LValue {
	if len(b) > 16 {
		return lua.LString(b)
	}
	if v, ok := d.strings[string(b)]; ok {
		return v
	}
	v := lua.LValue(lua.LString(b))
	if d.strings == nil {
		d.strings = make(map[string]lua.LValue, 64)
	}
	if len(d.strings) < 4096 {
		d.strings[string(b)] = v
	}
	return v
}

// str reads a string at pos (on its opening quote). The result aliases
// data when the string has no escapes, so callers copy it.
func (d *decoder) str() ([]byte, error) {
	d.pos++ // "
	start := d.pos
	ascii := true
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			s := d.data[start:d.pos]
			d.pos++
			if !ascii && !utf8.Valid(s) {
				s = fixUTF8(s)
			}
			return s, nil
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '\\':
			return d.strEscaped(start)
		case c < 0x20:
			return nil, d.syntaxError(fmt.Sprintf("control character 0x%02x in string", c))
		}
		d.pos++
	}
	return nil, d.syntaxError("unexpected end of input in string")
}

// strEscaped finishes a string that holds escapes, building a copy.
func (d *decoder) strEscaped(start int) ([]byte, error) {
	out := make([]byte, 0, d.pos-start+16)
	out = append(out, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			if !utf8.Valid(out) {
				out = fixUTF8(out)
			}
			return out, nil
		case c < 0x20:
			return nil, d.syntaxError(fmt.Sprintf("control character 0x%02x in string", c))
		case c != '\\':
			out = append(out, c)
			d.pos++
			continue
		}
		d.pos++ // backslash
		if d.pos >= len(d.data) {
			break
		}
		e := d.data[d.pos]
		d.pos++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, d.syntaxError(`invalid \u escape`)
			}
			if utf16.IsSurrogate(r) {
				r2 := utf8.RuneError
				if d.pos+1 < len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
					save := d.pos
					d.pos += 2
					if lo, ok := d.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
						r2 = utf16.DecodeRune(r, lo)
					} else {
						d.pos = save
					}
				}
				r = r2
			}
			out = utf8.AppendRune(out, r)
		default:
			d.pos--
			return nil, d.syntaxError("invalid escape " + strconv.Quote(`\`+string(rune(e))) + " in string")
		}
	}
	return nil, d.syntaxError("unexpected end of input in string")
}

// fixUTF8 replaces each byte of invalid UTF-8 in b with U+FFFD.
func fixUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}

func (d *decoder) hex4() (rune, bool) {
	if d.pos+4 > len(d.data) {
		return 0, false
	}
	var r rune
	for _, c := range d.data[d.pos : d.pos+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	d.pos += 4
	return r, true
}

// number reads a number following the JSON grammar exactly.
func (d *decoder) number() (lua.LValue, error) {
	start := d.pos
	neg := d.data[d.pos] == '-'
	if neg {
		d.pos++
	}
	digits := d.pos
	var n uint64
	switch {
	case d.pos < len(d.data) && d.data[d.pos] == '0':
		d.pos++
	case d.pos < len(d.data) && d.data[d.pos] >= '1' && d.data[d.pos] <= '9':
		for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
			n = n*10 + uint64(d.data[d.pos]-'0')
			d.pos++
		}
	default:
		return nil, d.syntaxError("unexpected " + d.describe() + " in number")
	}
	simple := d.pos-digits <= 15 // fits a float64 exactly
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		simple = false
		d.pos++
		if !d.digits() {
			return nil, d.syntaxError("unexpected " + d.describe() + " in number, expected a digit")
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		simple = false
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !d.digits() {
			return nil, d.syntaxError("unexpected " + d.describe() + " in number, expected a digit")
		}
	}
	if simple {
		if !neg && n < uint64(len(d.ints)) {
			return d.ints[n], nil
		}
		f := float64(n)
		if neg {
			f = -f
		}
		return lua.LNumber(f), nil
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		// Only a range error is possible after the grammar check.
		d.pos = start
		return nil, d.syntaxError("number " + string(d.data[start:start+min(len(d.data)-start, 40)]) + " is out of range")
	}
	return lua.LNumber(f), nil
}

func (d *decoder) digits() bool {
	start := d.pos
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}
