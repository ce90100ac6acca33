package lua51

import (
	"reflect"

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

// PrintString is what print writes for v, as Lua 5.1's print does it: the
// result of the global tostring (a script may replace it), which must be
// a string or a number ("'tostring' must return a string to 'print'").
// A value without a __tostring metamethod, with tostring the library's,
// is written without a call.
func PrintString(L *lua.LState, v lua.LValue) string {
	fn := L.GetGlobal("tostring")
	if f, ok := fn.(*lua.LFunction); ok && f.IsG && reflect.ValueOf(f.GFunction).Pointer() == baseTostringCode &&
		L.GetMetaField(v, "__tostring") == lua.LNil {
		return ToString(L, v)
	}
	L.Push(fn)
	L.Push(v)
	L.Call(1, 1)
	r := L.Get(-1)
	L.Pop(1)
	switch x := r.(type) {
	case lua.LString:
		return string(x)
	case lua.LNumber:
		return FormatNumber(float64(x))
	}
	L.RaiseError("'tostring' must return a string to 'print'")
	return ""
}

// baseTostringCode is baseTostring's code, which PrintString knows.
var baseTostringCode = reflect.ValueOf(baseTostring).Pointer()
