package luadiag

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Error is Lua 5.1's `error(message [, level])`: a string (or number)
// message gets the "file:line:" of the function at level, where level 1
// (the default) is the function that called error and 2 its caller; level
// 0, and any other value than a string or number, are raised as they are.
// gopher-lua's own error stops one level short (level 2 names the line of
// the error call itself).
func Error(L *lua.LState) int {
	v := L.Get(1)
	level, ok := numericLevel(L.Get(2))
	if !ok {
		level = L.OptInt(2, 1) // raises the usual bad argument error
	}
	switch v.(type) {
	case lua.LString, lua.LNumber:
		if level > 0 {
			v = lua.LString(Where(L, level) + lua.LVAsString(v))
		}
	}
	L.Error(v, 0)
	return 0
}

// numericLevel is error's level as luaL_optint reads it: 1 when absent, a
// number, or a string that is one ("2", " 0x2 "); ok is false for anything
// else.
func numericLevel(v lua.LValue) (level int, ok bool) {
	switch v := v.(type) {
	case *lua.LNilType:
		return 1, true
	case lua.LNumber:
		return int(v), true
	case lua.LString:
		s := strings.TrimSpace(string(v))
		if n, err := strconv.ParseInt(s, 0, 64); err == nil {
			return int(n), true
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return int(f), true
		}
	}
	return 0, false
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
