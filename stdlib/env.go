package stdlib

import (
	lua "github.com/yuin/gopher-lua"
)

// envFuncs is the env module, reading the environment through
// Config.Getenv.
func (in *instance) envFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"get":     in.envGet,
		"require": in.envRequire,
	}
}

// env.get(name, default?) -> the variable's value, or default (nil when
// not given) when it is unset.
func (in *instance) envGet(L *lua.LState) int {
	const name = "env.get"
	key := checkString(L, name, 1)
	if v, ok := in.getenv(key); ok {
		L.Push(lua.LString(v))
		return 1
	}
	switch d := L.Get(2).(type) {
	case *lua.LNilType, lua.LString, lua.LNumber, lua.LBool:
		L.Push(d)
	default:
		argError(L, name, 2, "string, number or boolean expected as the default, got "+typeName(d))
	}
	return 1
}

// env.require(name) -> the variable's value; raises when it is unset or
// empty, with a hint on how to set it.
func (in *instance) envRequire(L *lua.LState) int {
	const name = "env.require"
	key := checkString(L, name, 1)
	v, ok := in.getenv(key)
	switch {
	case !ok:
		L.RaiseError("%s: %s is not set (hint: export %s=...)", name, key, key)
	case v == "":
		L.RaiseError("%s: %s is empty (hint: export %s=...)", name, key, key)
	}
	L.Push(lua.LString(v))
	return 1
}
