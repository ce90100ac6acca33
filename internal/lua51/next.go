package lua51

import (
	"reflect"

	lua "github.com/yuin/gopher-lua"
)

// nextChecked is next(t [, k]) refusing a key that is not in t, as Lua
// 5.1's does ("invalid key to 'next'", without location, as C Lua raises
// it from inside next): gopher-lua's carries on from its second key, so a
// wrong key made a traversal start again silently. A key removed during
// the traversal (assigned nil) stays valid, as in Lua.
func nextChecked(next lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		t := L.CheckTable(1)
		if k := L.Get(2); k != lua.LNil && t.RawGet(k) == lua.LNil && !knownKey(t, k) {
			L.Error(lua.LString("invalid key to 'next'"), 0)
		}
		return next(L)
	}
}

// knownKey reports whether k, whose value in t is nil, is still one of t's
// keys for a traversal: an index of its array part, or a key its hash part
// has held (gopher-lua v1.1.2 keeps them in the unexported LTable.k2i,
// read here by reflection; when the field is not there, every key is taken
// as known, as gopher-lua would).
func knownKey(t *lua.LTable, k lua.LValue) bool {
	tv := reflect.ValueOf(t).Elem()
	if n, ok := k.(lua.LNumber); ok && float64(n) == float64(int(n)) && n >= 1 {
		if a := tv.FieldByName("array"); a.IsValid() && a.Kind() == reflect.Slice && int(n) <= a.Len() {
			return true
		}
	}
	m := tv.FieldByName("k2i")
	if !m.IsValid() || m.Kind() != reflect.Map || m.Type().Key() != reflect.TypeFor[lua.LValue]() {
		return true
	}
	if m.IsNil() {
		return false
	}
	return m.MapIndex(reflect.ValueOf(&k).Elem()).IsValid()
}
