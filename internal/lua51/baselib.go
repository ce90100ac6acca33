package lua51

import (
	lua "github.com/yuin/gopher-lua"
)

// The base functions whose gopher-lua versions differ from Lua 5.1.

// openLibs replaces the library functions that differ from Lua 5.1 (see
// docs/lua-compat.md for the ones that remain).
func (o *opener) openLibs() {
	L := o.L
	L.SetGlobal("tonumber", L.NewFunction(baseTonumber))
	L.SetGlobal("tostring", L.NewFunction(baseTostring))
	L.SetGlobal("setmetatable", L.NewFunction(baseSetmetatable))
	o.openString()
	o.openTable()
	o.openMath()
	o.openOs()
	o.openCoroutine()
	if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		dbg.RawSetString("traceback", L.NewFunction(debugTraceback))
	}
}

// baseTonumber is tonumber(e [, base]).
func baseTonumber(L *lua.LState) int {
	base := L.OptInt(2, 10)
	v := L.CheckAny(1)
	if base == 10 {
		switch x := v.(type) {
		case lua.LNumber:
			L.Push(x)
			return 1
		case lua.LString:
			if f, ok := ParseNumber(string(x)); ok {
				L.Push(lua.LNumber(f))
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	s := L.CheckString(1)
	if f, ok := ParseInteger(s, base); ok {
		L.Push(lua.LNumber(f))
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// baseTostring is tostring(v): numbers with "%.14g", and when v has a
// __tostring metamethod whatever it returns (nil too, as in Lua 5.1).
func baseTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if mm := L.GetMetaField(v, "__tostring"); mm != lua.LNil {
		L.Push(mm)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(ToString(L, v)))
	return 1
}

// baseSetmetatable is setmetatable(table, metatable): only tables, and not
// when the current metatable is protected by __metatable. (gopher-lua's
// accepts any value, and setting a string's changes every string.)
func baseSetmetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	mt := L.Get(2)
	if _, ok := mt.(*lua.LTable); !ok && mt != lua.LNil {
		L.ArgError(2, "nil or table expected")
	}
	if L.GetMetaField(t, "__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}
