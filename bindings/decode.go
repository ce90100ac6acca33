package bindings

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"
)

// decoder turns a JSON document into Lua values in one pass: objects and
// arrays become plain tables, null and absent fields nil, and objects whose
// schema is a record kind (Machine, Volume, App, ...) get that kind's shared
// metatable.
type decoder struct {
	data    []byte
	pos     int
	records func(schema string) *lua.LTable // metatable for a schema name, or nil
	members []member                        // scratch stack of object members and array elements
	arrayMT *lua.LTable                     // metatable marking arrays, or nil
}

var errSyntax = errors.New("invalid JSON")

// member is an object member or array element being decoded: tables are
// made once their size is known (gopher-lua sizes a table's hash part for 32
// keys otherwise).
type member struct {
	key string
	v   lua.LValue
}

// decodeJSON decodes data guided by s (which may be nil).
func decodeJSON(data []byte, s *Schema, records func(string) *lua.LTable, array *lua.LTable) (lua.LValue, error) {
	d := &decoder{data: data, records: records, arrayMT: array}
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
		return nil, d.syntax()
	}
	return lua.LNumber(f), nil
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

func (d *decoder) object(s *Schema) (lua.LValue, error) {
	d.pos++ // {
	base := len(d.members)
	defer func() { d.members = d.members[:base] }()
	d.skip()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return d.table(s, base), nil
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
		v, err := d.value(child)
		if err != nil {
			return nil, err
		}
		if v != lua.LNil {
			d.members = append(d.members, member{key, v})
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
			return d.table(s, base), nil
		default:
			return nil, d.syntax()
		}
	}
}

// table makes the table of the members from base on, sized to fit.
func (d *decoder) table(s *Schema, base int) *lua.LTable {
	ms := d.members[base:]
	t := newTable(0, len(ms))
	for _, m := range ms {
		t.RawSetString(m.key, m.v)
	}
	if s != nil && s.Name != "" && d.records != nil {
		if mt := d.records(s.Name); mt != nil {
			t.Metatable = mt
		}
	}
	return t
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
		d.members = append(d.members, member{v: v})
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

// list makes the array of the elements from base on.
func (d *decoder) list(base int) *lua.LTable {
	ms := d.members[base:]
	t := newTable(len(ms), 0)
	for i, m := range ms {
		t.RawSetInt(i+1, m.v)
	}
	if d.arrayMT != nil {
		t.Metatable = d.arrayMT
	}
	return t
}
