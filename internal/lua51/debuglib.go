package lua51

import (
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// debugGetinfo is debug.getinfo([thread,] f [, what]) as C Lua 5.1 answers
// it: only the fields the options ask for ("flnSu" by default; L is not
// kept), short_src, a Go function described as C Lua describes a C one
// (what "C", source "=[C]", lines -1), a chunk's main function as "main"
// whatever called it, the name and namewhat of the call that made the
// frame (none for a main chunk: gopher-lua says "main chunk"), the host's
// call below the main chunk as lua.c's. With a thread it is gopher-lua's.
func debugGetinfo(orig lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if _, ok := L.Get(1).(*lua.LState); ok {
			return orig(L)
		}
		options := L.OptString(2, "flnSu")
		for _, c := range options {
			if !strings.ContainsRune("SlnufL", c) {
				L.ArgError(2, "invalid option")
			}
		}
		var (
			dbg   *lua.Debug
			fn    lua.LValue
			level = -1
		)
		switch v := L.Get(1).(type) {
		case *lua.LFunction:
			dbg, fn = &lua.Debug{}, v
			if _, err := L.GetInfo(">Su", dbg, v); err != nil {
				L.Push(lua.LNil)
				return 1
			}
		case lua.LNumber, lua.LString:
			level = int(cInt(checkInt(L, 1)))
			var ok bool
			dbg, ok = L.GetStack(level)
			if !ok {
				if L == L.G.MainThread && level == StackDepth(L) {
					dbg, fn = &lua.Debug{What: "G", CurrentLine: -1}, hostFrame
					break
				}
				L.Push(lua.LNil)
				return 1
			}
			var err error
			if fn, err = L.GetInfo("Slnuf", dbg, lua.LNil); err != nil {
				L.Push(lua.LNil)
				return 1
			}
		default:
			L.ArgError(1, "function or level expected")
		}
		t := L.CreateTable(0, 8)
		isGo := dbg.What == "G"
		if strings.ContainsRune(options, 'S') {
			source, what := dbg.Source, dbg.What
			first, last := dbg.LineDefined, dbg.LastLineDefined
			switch {
			case isGo:
				source, what, first, last = "=[C]", "C", -1, -1
			case first == 0:
				what, last = "main", 0
			}
			short := source
			if isGo {
				short = "[C]"
			}
			t.RawSetString("source", lua.LString(source))
			t.RawSetString("short_src", lua.LString(short))
			t.RawSetString("linedefined", lua.LNumber(first))
			t.RawSetString("lastlinedefined", lua.LNumber(last))
			t.RawSetString("what", lua.LString(what))
		}
		if strings.ContainsRune(options, 'l') {
			line := dbg.CurrentLine
			if isGo || level < 0 {
				line = -1
			}
			t.RawSetString("currentline", lua.LNumber(line))
		}
		if strings.ContainsRune(options, 'u') {
			t.RawSetString("nups", lua.LNumber(dbg.NUpvalues))
		}
		if strings.ContainsRune(options, 'n') {
			namewhat := ""
			if level >= 0 && fn != hostFrame {
				kind, name := luadiag.CalledAs(L, level)
				if name != "" {
					t.RawSetString("name", lua.LString(name))
					namewhat = kind
				}
			}
			t.RawSetString("namewhat", lua.LString(namewhat))
		}
		if strings.ContainsRune(options, 'f') {
			t.RawSetString("func", fn)
		}
		L.Push(t)
		return 1
	}
}
