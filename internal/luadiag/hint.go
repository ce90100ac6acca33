package luadiag

import (
	"slices"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/editdist"
	"github.com/flyscript/flyscript/internal/lazy"
)

// hint says what a nil global, field or method probably should have been,
// when that is certain: a name of the table it was looked up in (the
// globals, or the table indexed) close to the one written, and only one
// such name ("did you mean 'machines'?"); or, for a field of one of the
// `fly` module's records (a table whose metatable's __name starts with
// "fly."), that the record has no such field. It reads tables with raw
// gets only: no Lua code runs.
func (f frame) hint(r int, kind, name string) string {
	var t *lua.LTable
	switch kind {
	case "global":
		t = f.fn.Env
	case "field", "method":
		w := writer(f.fn.Proto, f.pc, r)
		if w < 0 || name == "?" {
			return ""
		}
		v, ok := f.value(w, argB(f.fn.Proto.Code[w]), 0)
		if !ok {
			return ""
		}
		t, _ = v.(*lua.LTable)
		if t == nil { // a string's methods are its metatable's __index
			if mt, ok := f.L.GetMetatable(v).(*lua.LTable); ok {
				t, _ = mt.RawGetString("__index").(*lua.LTable)
			}
		}
	}
	if t == nil {
		return ""
	}
	ks := keys(t)
	if near := closest(name, ks); near != "" {
		return "did you mean '" + near + "'?"
	}
	if near := synonym(name, ks); near != "" {
		return "did you mean '" + near + "'?"
	}
	if kind == "field" {
		if mt, ok := t.Metatable.(*lua.LTable); ok {
			if n, ok := mt.RawGetString("__name").(lua.LString); ok && strings.HasPrefix(string(n), "fly.") {
				return "this " + strings.TrimPrefix(string(n), "fly.") + " has no '" + name +
					"': the API leaves out fields it has no value for; test it before use"
			}
		}
	}
	return ""
}

// maxValueDepth bounds how far value follows the instructions that made a
// register's value.
const maxValueDepth = 8

// value is the value register r held at instruction pc, found from the
// instruction that set it (a global, a field with a constant name of a
// table itself found so, an upvalue, a copy) without running any code; a
// local variable's register is read as it is now. ok is false when it
// cannot be told.
func (f frame) value(pc, r, depth int) (lua.LValue, bool) {
	if depth > maxValueDepth {
		return nil, false
	}
	p := f.fn.Proto
	if _, ok := localName(p, r, pc); ok {
		return f.reg(r)
	}
	w := writer(p, pc, r)
	if w < 0 {
		return nil, false
	}
	i := p.Code[w]
	switch opcode(i) {
	case lua.OP_GETGLOBAL:
		if s, ok := constString(p, argBx(i)); ok && f.fn.Env != nil {
			return f.fn.Env.RawGetString(s), true
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		key := keyName(p, argC(i))
		if key == "?" {
			return nil, false
		}
		if t, ok := f.value(w, argB(i), depth+1); ok {
			if tt, ok := t.(*lua.LTable); ok {
				return tt.RawGetString(key), true
			}
		}
	case lua.OP_GETUPVAL:
		if b := argB(i); b < len(f.fn.Upvalues) {
			return f.fn.Upvalues[b].Value(), true
		}
	case lua.OP_MOVE:
		return f.value(w, argB(i), depth+1)
	}
	return nil, false
}

// keys are the string keys of t that hold a value, and those of the table
// its metatable's __index is, if any.
func keys(t *lua.LTable) []string {
	var out []string
	add := func(t *lua.LTable) {
		t.ForEach(func(k, v lua.LValue) {
			if s, ok := k.(lua.LString); ok && v != lua.LNil {
				out = append(out, string(s))
			}
		})
		out = append(out, lazy.PendingKeys(t)...) // a namespace or record member not built yet
	}
	add(t)
	if mt, ok := t.Metatable.(*lua.LTable); ok {
		if idx, ok := mt.RawGetString("__index").(*lua.LTable); ok && idx != t {
			add(idx)
		}
	}
	return out
}

// synonyms are groups of words one API says with one and another with
// another: the fly module destroys machines, volumes and apps but deletes
// secrets and metadata.
var synonyms = [][]string{
	{"destroy", "delete", "remove", "del", "rm"},
	{"list", "all", "ls"},
	{"get", "show", "fetch", "find"},
	{"create", "new", "add"},
}

// synonym is the one key of keys that means what name means in another
// word (fly.volumes.delete for destroy), or "" when there is none or more
// than one.
func synonym(name string, keys []string) string {
	for _, group := range synonyms {
		if !slices.Contains(group, name) {
			continue
		}
		found := ""
		for _, k := range keys {
			if k != name && slices.Contains(group, k) {
				if found != "" {
					return ""
				}
				found = k
			}
		}
		return found
	}
	return ""
}

// closest is the one key within a small edit distance of name (1 for
// names of up to 4 letters, 2 beyond), or "" when there is none or more
// than one at the smallest distance.
func closest(name string, keys []string) string {
	limit := 1
	if len(name) > 4 {
		limit = 2
	}
	best, bestD, ties := "", limit+1, 0
	lower := strings.ToLower(name)
	for _, k := range keys {
		if k == name {
			return ""
		}
		if diff := len(k) - len(name); diff > limit || -diff > limit {
			continue // the distance is at least the difference in length
		}
		d := editdist.Distance(lower, strings.ToLower(k))
		switch {
		case d < bestD:
			best, bestD, ties = k, d, 1
		case d == bestD:
			ties++
		}
	}
	if ties != 1 {
		return ""
	}
	return best
}
