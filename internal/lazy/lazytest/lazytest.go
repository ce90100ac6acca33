// Package lazytest makes lazy tables for the tests of the packages that
// must see them whole (stdlib, internal/repl, the root package) without the
// bindings: values kept aside are given as Lua values. Tests only.
package lazytest

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// Field is one member of a table: Aside members are filled on first access.
type Field struct {
	Key   string
	Value lua.LValue
	Aside bool
}

// members keeps values aside by key.
type members struct{ vals map[string]lua.LValue }

func (m *members) Fill(t *lua.LTable, key string) (bool, error) {
	v, ok := m.vals[key]
	if !ok {
		return false, nil
	}
	delete(m.vals, key)
	if t.RawGetString(key) == lua.LNil {
		t.RawSetString(key, v)
	}
	return true, nil
}

func (m *members) FillAll(t *lua.LTable) error {
	for k := range m.vals {
		if _, err := m.Fill(t, k); err != nil {
			return err
		}
	}
	return nil
}

func (m *members) Drop(key string) { delete(m.vals, key) }

func (m *members) Pending() int { return len(m.vals) }

func (m *members) Keys() []string {
	out := make([]string, 0, len(m.vals))
	for k := range m.vals {
		out = append(out, k)
	}
	return out
}

// Table returns a table of fields, in their order, whose Aside fields are
// kept aside until read, with a metatable prepared by a new lazy.Set of L
// (its __name is "lazytest").
func Table(L *lua.LState, fields ...Field) *lua.LTable {
	s := lazy.NewSet(L)
	mt := L.NewTable()
	mt.RawSetString("__name", lua.LString("lazytest"))
	s.Prepare(mt)
	t := L.NewTable()
	m := &members{vals: map[string]lua.LValue{}}
	for _, f := range fields {
		if f.Aside {
			t.RawSetString(f.Key, lua.LTrue) // keep the key's place
			t.RawSetString(f.Key, lua.LNil)
			m.vals[f.Key] = f.Value
			continue
		}
		t.RawSetString(f.Key, f.Value)
	}
	t.Metatable = mt
	s.Add(t, m)
	return t
}
