package lua51

import (
	lua "github.com/yuin/gopher-lua"
)

// ToString is tostring(v) as Lua 5.1 writes it: numbers with "%.14g",
// __tostring when v has one.
func ToString(L *lua.LState, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LNumber:
		return FormatNumber(float64(x))
	case lua.LString:
		return string(x)
	}
	return L.ToStringMeta(v).String()
}
