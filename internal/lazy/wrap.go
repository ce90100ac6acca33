package lazy

import (
	lua "github.com/yuin/gopher-lua"
)

// Forget drops the pending member key of t, when t is lazy: the caller is
// about to set it raw.
func Forget(t *lua.LTable, key string) {
	if t.Metatable == lua.LNil {
		return
	}
	if s := setOf(t); s != nil {
		s.drop(t, key)
	}
}

// Wrap makes the raw table functions of L see lazy tables whole: next, pairs
// and setmetatable (and debug.setmetatable) fill every pending member of
// their table argument first, rawget the member it reads, and rawset forgets
// the member it writes. Each wrapper then does what the function it replaces
// does, in the same call frame, so argument errors read as before. Wrap is
// called after the libraries are opened; functions missing from L (a
// sandbox may remove some) are left out. Calling it again wraps only what
// was replaced since (a library opened later may bring its own
// setmetatable): a function it made is not wrapped twice.
func Wrap(L *lua.LState) {
	all := func(L *lua.LState) {
		if t, ok := L.Get(1).(*lua.LTable); ok {
			if err := Force(t); err != nil {
				L.RaiseError("%s", err.Error())
			}
		}
	}
	get := func(L *lua.LState) {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return
		}
		if key, ok := L.Get(2).(lua.LString); ok {
			if err := FillKey(t, string(key)); err != nil {
				L.RaiseError("%s", err.Error())
			}
		}
	}
	set := func(L *lua.LState) {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return
		}
		if key, ok := L.Get(2).(lua.LString); ok {
			Forget(t, string(key))
		}
	}
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	made, ok := reg.RawGetString(wrappersKey).(*lua.LTable)
	if !ok {
		made = L.CreateTable(0, 6)
		reg.RawSetString(wrappersKey, made)
	}
	globals := L.Get(lua.GlobalsIndex).(*lua.LTable)
	wrapField(L, made, globals, "next", all)
	wrapField(L, made, globals, "pairs", all)
	wrapField(L, made, globals, "setmetatable", all)
	wrapField(L, made, globals, "rawget", get)
	wrapField(L, made, globals, "rawset", set)
	if debug, ok := globals.RawGetString("debug").(*lua.LTable); ok {
		wrapField(L, made, debug, "setmetatable", all)
	}
}

// wrappersKey is the registry field holding the set of functions Wrap made.
const wrappersKey = "lazy.wrappers"

// wrapField makes the function t[name] run before first, unless it is one
// of made (wrapped already); the function then joins made. A Go function is
// changed in place: it stays the same value, so that code which recognises
// the library's functions by identity (as package lua51 does to word their
// errors as C Lua's) still does. A Lua function is replaced by a wrapper.
func wrapField(L *lua.LState, made, t *lua.LTable, name string, before func(*lua.LState)) {
	orig, ok := t.RawGetString(name).(*lua.LFunction)
	if !ok || made.RawGet(orig) != lua.LNil {
		return
	}
	if orig.IsG {
		g := orig.GFunction
		orig.GFunction = func(L *lua.LState) int {
			before(L)
			return g(L)
		}
		made.RawSet(orig, lua.LTrue)
		return
	}
	wrapper := L.NewFunction(func(L *lua.LState) int {
		before(L)
		top := L.GetTop()
		L.Push(orig)
		for i := 1; i <= top; i++ {
			L.Push(L.Get(i))
		}
		L.Call(top, lua.MultRet)
		return L.GetTop() - top
	})
	t.RawSetString(name, wrapper)
	made.RawSet(wrapper, lua.LTrue)
}
