package luadiag

import lua "github.com/yuin/gopher-lua"

// Error is Lua 5.1's `error(message [, level])`: a string (or number)
// message gets the "file:line:" of the function at level, where level 1
// (the default) is the function that called error and 2 its caller; level
// 0, and any other value than a string or number, are raised as they are.
// gopher-lua's own error stops one level short (level 2 names the line of
// the error call itself).
func Error(L *lua.LState) int {
	v := L.Get(1)
	level := L.OptInt(2, 1)
	switch v.(type) {
	case lua.LString, lua.LNumber:
		if level > 0 {
			v = lua.LString(Where(L, level) + lua.LVAsString(v))
		}
	}
	L.Error(v, 0)
	return 0
}

// Where is C Lua's luaL_where: "chunk:line: " of the function at level
// of L's stack (1 is the function that called the running Go function),
// or "" when that is not a Lua function with a known line.
func Where(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.CurrentLine <= 0 {
		return ""
	}
	return dbg.Source + ":" + itoa(dbg.CurrentLine) + ": "
}
