package bindings

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// decoder turns a JSON document into Lua values in one pass: objects and
// arrays become plain tables, null and absent fields nil, and objects whose
// schema is a record kind (Machine, Volume, App, ...) get that kind's shared
// metatable. With a lazy set, the objects and arrays inside a record are
// only checked and kept aside (see lazyRecord): they are decoded when the
// script first reads them.
type decoder struct {
	data    []byte
	pos     int
	env     *decodeEnv
	members []member // scratch stack of object members and array elements
	used    int      // the most members the stack has held: what release clears
	pooled  *[]member
}

// push adds m on the member stack.
func (d *decoder) push(m member) {
	d.members = append(d.members, m)
	d.used = max(d.used, len(d.members))
}

// decodeEnv is what a decoder needs from its VM.
type decodeEnv struct {
	records func(schema string) *lua.LTable // metatable for a schema name, or nil
	arrayMT *lua.LTable                     // metatable marking arrays, or nil
	lazy    *lazy.Set                       // where records keep their pending members; nil decodes everything at once
}

var errSyntax = errors.New("invalid JSON")

// member is an object member or array element being decoded: tables are
// made once their size is known (gopher-lua sizes a table's hash part for 32
// keys otherwise). A pending member of a record has no value (v is nil) but
// the place of its bytes and its schema.
type member struct {
	key        string
	v          lua.LValue
	start, end int
	s          *Schema
}

// scratch keeps decoders' member stacks between decodes, so that each
// answer, and each member of a record decoded on first access, does not
// grow a stack of its own from nothing.
var scratch = sync.Pool{New: func() any { return new([]member) }}

// maxScratch is the largest member stack (in members) put back in scratch:
// a long list's stack is left to the collector.
const maxScratch = 1 << 10

// newDecoder is a decoder of data from pos, with a member stack from
// scratch; release gives the stack back.
func newDecoder(data []byte, pos int, env *decodeEnv) *decoder {
	p := scratch.Get().(*[]member)
	return &decoder{data: data, pos: pos, env: env, members: (*p)[:0], pooled: p}
}

// release clears the part of d's member stack it used (so that the stack
// holds no Lua values) and puts it back in scratch. d is not used
// afterwards.
func (d *decoder) release() {
	if cap(d.members) > maxScratch {
		return
	}
	clear(d.members[:d.used])
	*d.pooled = d.members[:0]
	scratch.Put(d.pooled)
}

// decodeJSON decodes data guided by s (which may be nil).
func decodeJSON(data []byte, s *Schema, env *decodeEnv) (lua.LValue, error) {
	d := newDecoder(data, 0, env)
	defer d.release()
	d.skip()
	if d.pos >= len(d.data) {
		return lua.LNil, nil
	}
	v, err := d.value(s)
	if err != nil {
		return lua.LNil, err
	}
	d.skip()
	if d.pos != len(d.data) {
		return lua.LNil, d.syntax()
	}
	return v, nil
}

func (d *decoder) syntax() error {
	return fmt.Errorf("%w at byte %d", errSyntax, d.pos)
}

func (d *decoder) skip() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

func (d *decoder) value(s *Schema) (lua.LValue, error) {
	if d.pos >= len(d.data) {
		return nil, d.syntax()
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(s)
	case c == '[':
		return d.array(s)
	case c == '"':
		str, err := d.str()
		if err != nil {
			return nil, err
		}
		if s.IsBytes() {
			if b, err := base64.StdEncoding.DecodeString(str); err == nil {
				return d.byteList(b), nil
			}
		}
		return lua.LString(str), nil
	case c == 't':
		return d.literal("true", lua.LTrue)
	case c == 'f':
		return d.literal("false", lua.LFalse)
	case c == 'n':
		return d.literal("null", lua.LNil)
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, d.syntax()
}

func (d *decoder) literal(word string, v lua.LValue) (lua.LValue, error) {
	if len(d.data)-d.pos < len(word) || string(d.data[d.pos:d.pos+len(word)]) != word {
		return nil, d.syntax()
	}
	d.pos += len(word)
	return v, nil
}

func (d *decoder) number() (lua.LValue, error) {
	f, err := d.float()
	if err != nil {
		return nil, err
	}
	return lua.LNumber(f), nil
}

// float reads a number: the characters a JSON number may hold, as
// strconv.ParseFloat reads them.
func (d *decoder) float() (float64, error) {
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.pos++
			continue
		}
		break
	}
	f, err := strconv.ParseFloat(string(d.data[start:d.pos]), 64)
	if err != nil {
		d.pos = start
		return 0, d.syntax()
	}
	return f, nil
}

// str reads a JSON string; the fast path has no escapes.
func (d *decoder) str() (string, error) {
	start := d.pos + 1
	for i := start; i < len(d.data); i++ {
		switch c := d.data[i]; {
		case c == '"':
			d.pos = i + 1
			return string(d.data[start:i]), nil
		case c == '\\':
			return d.escaped()
		case c >= utf8.RuneSelf:
			// keep going: multi-byte UTF-8 passes through as it is
		}
	}
	return "", d.syntax()
}

// escaped reads a string with escapes through encoding/json.
func (d *decoder) escaped() (string, error) {
	end := d.escapedEnd()
	if end >= len(d.data) {
		return "", d.syntax()
	}
	var s string
	if err := json.Unmarshal(d.data[d.pos:end+1], &s); err != nil {
		return "", d.syntax()
	}
	d.pos = end + 1
	return s, nil
}

// escapedEnd is the index of the closing quote of the string at d.pos, or
// len(d.data) when it has none.
func (d *decoder) escapedEnd() int {
	end := d.pos + 1
	for end < len(d.data) {
		c := d.data[end]
		if c == '\\' {
			end += 2
			continue
		}
		if c == '"' {
			break
		}
		end++
	}
	return end
}

func (d *decoder) object(s *Schema) (lua.LValue, error) {
	d.pos++ // {
	base := len(d.members)
	defer func() { d.members = d.members[:base] }()
	var mt *lua.LTable
	if s != nil && s.Name != "" && d.env != nil && d.env.records != nil {
		mt = d.env.records(s.Name)
	}
	keepAside := mt != nil && d.env.lazy != nil
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return d.table(base, mt), nil
	}
	for {
		d.skip()
		if d.pos >= len(d.data) || d.data[d.pos] != '"' {
			return nil, d.syntax()
		}
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skip()
		if d.pos >= len(d.data) || d.data[d.pos] != ':' {
			return nil, d.syntax()
		}
		d.pos++
		d.skip()
		var child *Schema
		if s != nil {
			if p, ok := s.Properties[key]; ok {
				child = p
			} else {
				child = s.Additional
			}
		}
		if keepAside && d.pos < len(d.data) && (d.data[d.pos] == '{' || d.data[d.pos] == '[') {
			start := d.pos
			if err := d.skipValue(); err != nil {
				return nil, err
			}
			d.push(member{key: key, start: start, end: d.pos, s: child})
		} else {
			v, err := d.value(child)
			if err != nil {
				return nil, err
			}
			if v != lua.LNil {
				d.push(member{key: key, v: v})
			}
		}
		d.skip()
		if d.pos >= len(d.data) {
			return nil, d.syntax()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case '}':
			d.pos++
			return d.table(base, mt), nil
		default:
			return nil, d.syntax()
		}
	}
}

// table makes the table of the members from base on, sized to fit, with
// the metatable mt (nil for a plain object). The pending members of a
// record keep their key's place in the table's order (gopher-lua keeps a
// key's place once it was set, even after it is cleared), so that pairs
// walks a record filled later in the order of the answer.
func (d *decoder) table(base int, mt *lua.LTable) *lua.LTable {
	ms := d.members[base:]
	t := newTable(0, len(ms))
	var rec *lazyRecord
	for i := range ms {
		m := &ms[i]
		if m.v == nil { // kept aside
			t.RawSetString(m.key, lua.LTrue)
			t.RawSetString(m.key, lua.LNil)
			if rec == nil {
				rec = &lazyRecord{data: d.data, env: d.env, members: make([]lazyMember, 0, pendingIn(ms[i:]))}
			}
			rec.add(lazyMember{key: m.key, start: m.start, end: m.end, s: m.s})
			continue
		}
		t.RawSetString(m.key, m.v)
		if rec != nil {
			rec.Drop(m.key) // a key repeated in the answer: the last one counts
		}
	}
	if mt != nil {
		t.Metatable = mt
	}
	if rec != nil && rec.Pending() > 0 {
		d.env.lazy.Add(t, rec)
	}
	return t
}

// pendingIn is the number of members of ms kept aside.
func pendingIn(ms []member) int {
	n := 0
	for i := range ms {
		if ms[i].v == nil {
			n++
		}
	}
	return n
}

// newTable is lua.LState.CreateTable without a state.
func newTable(acap, hcap int) *lua.LTable {
	var L *lua.LState
	return L.CreateTable(acap, hcap)
}

func (d *decoder) array(s *Schema) (lua.LValue, error) {
	d.pos++ // [
	base := len(d.members)
	defer func() { d.members = d.members[:base] }()
	var items *Schema
	if s != nil {
		items = s.Items
	}
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return d.list(base), nil
	}
	for {
		d.skip()
		v, err := d.value(items)
		if err != nil {
			return nil, err
		}
		d.push(member{v: v})
		d.skip()
		if d.pos >= len(d.data) {
			return nil, d.syntax()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return d.list(base), nil
		default:
			return nil, d.syntax()
		}
	}
}

// IsBytes reports whether s is a byte field: the document types every
// []byte field of the API (secret key values, plaintexts, signatures,
// public keys, token nonces) as an array of integers, and it has no other
// array of integers. Scripts get such a field as an array of integers and
// may give it as one or as a Lua string of bytes.
func (s *Schema) IsBytes() bool {
	return s != nil && s.Type == "array" && s.Items != nil && s.Items.Type == "integer"
}

// byteList makes the array of integers of b: the API answers byte fields
// as base64 strings (Go's form for []byte), and a script gets them as the
// document describes them, as when they are answered as arrays.
func (d *decoder) byteList(b []byte) *lua.LTable {
	t := newTable(len(b), 0)
	for i, x := range b {
		t.RawSetInt(i+1, lua.LNumber(x))
	}
	if d.env != nil && d.env.arrayMT != nil {
		t.Metatable = d.env.arrayMT
	}
	return t
}

// list makes the array of the elements from base on.
func (d *decoder) list(base int) *lua.LTable {
	ms := d.members[base:]
	t := newTable(len(ms), 0)
	for i, m := range ms {
		t.RawSetInt(i+1, m.v)
	}
	if d.env != nil && d.env.arrayMT != nil {
		t.Metatable = d.env.arrayMT
	}
	return t
}

// skipValue checks the JSON value at d.pos exactly as value would decode it
// (the same syntax errors at the same bytes) and moves past it without
// making Lua values: a record's objects and arrays are kept aside this way.
func (d *decoder) skipValue() error {
	if d.pos >= len(d.data) {
		return d.syntax()
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.skipContainer('}', true)
	case c == '[':
		return d.skipContainer(']', false)
	case c == '"':
		return d.skipString()
	case c == 't':
		_, err := d.literal("true", lua.LTrue)
		return err
	case c == 'f':
		_, err := d.literal("false", lua.LFalse)
		return err
	case c == 'n':
		_, err := d.literal("null", lua.LNil)
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := d.float()
		return err
	}
	return d.syntax()
}

// skipContainer is skipValue for an object (keys) or an array, the opening
// bracket at d.pos, following object and array.
func (d *decoder) skipContainer(closing byte, keys bool) error {
	d.pos++
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == closing {
		d.pos++
		return nil
	}
	for {
		d.skip()
		if keys {
			if d.pos >= len(d.data) || d.data[d.pos] != '"' {
				return d.syntax()
			}
			if err := d.skipString(); err != nil {
				return err
			}
			d.skip()
			if d.pos >= len(d.data) || d.data[d.pos] != ':' {
				return d.syntax()
			}
			d.pos++
			d.skip()
		}
		if err := d.skipValue(); err != nil {
			return err
		}
		d.skip()
		if d.pos >= len(d.data) {
			return d.syntax()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case closing:
			d.pos++
			return nil
		default:
			return d.syntax()
		}
	}
}

// skipString is skipValue for a string, following str and escaped.
func (d *decoder) skipString() error {
	for i := d.pos + 1; i < len(d.data); i++ {
		switch d.data[i] {
		case '"':
			d.pos = i + 1
			return nil
		case '\\':
			end := d.escapedEnd()
			if end >= len(d.data) || !json.Valid(d.data[d.pos:end+1]) {
				return d.syntax()
			}
			d.pos = end + 1
			return nil
		}
	}
	return d.syntax()
}
