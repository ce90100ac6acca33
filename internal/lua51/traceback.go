package lua51

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// debugTraceback is debug.traceback([thread,] [message [, level]]) in
// gopher-lua's form ("[G]" for Go functions), without the frames of the
// layer's message handlers and concatenation (isHidden), so that levels
// count as in C Lua 5.1. As in
// 5.1, a message that is neither a string nor a number is returned as it
// is, and level defaults to 1 (0 for another coroutine).
func debugTraceback(L *lua.LState) int {
	th, arg := L, 0
	if t, ok := L.Get(1).(*lua.LState); ok {
		th, arg = t, 1
	}
	level := 1
	if th != L {
		level = 0
	}
	if n, ok := L.Get(arg + 2).(lua.LNumber); ok {
		level = int(n)
	}
	head := ""
	if L.GetTop() > arg {
		switch m := L.Get(arg + 1).(type) {
		case lua.LString:
			head = string(m) + "\n"
		case lua.LNumber:
			head = FormatNumber(float64(m)) + "\n"
		default:
			L.Push(m)
			return 1
		}
	}
	L.Push(lua.LString(head + stackTraceback(th, level)))
	return 1
}

// stackTraceback is gopher-lua's "stack traceback:" of th from level,
// leaving out the layer's message handlers; more than 20 lines are cut to
// the first and last 7.
func stackTraceback(th *lua.LState, level int) string {
	var lines []string
	for i := 0; ; i++ {
		dbg, ok := th.GetStack(i)
		if !ok {
			break
		}
		fv, err := th.GetInfo("fSn", dbg, lua.LNil)
		fn, isFn := fv.(*lua.LFunction)
		if err != nil || !isFn {
			continue
		}
		if !isHidden(fn) {
			where := th.Where(i)
			if proto, _ := yielderProto(); !fn.IsG && proto != nil && fn.Proto == proto.FunctionPrototypes[0] {
				where = "[G]:" // coroutine.yield, a Go function in C Lua (and over one here)
			}
			lines = append(lines, "\t"+where+" in "+frameName(dbg))
		}
		if tail, ok := luadiag.FrameField(dbg, "TailCall"); ok && !fn.IsG {
			for ; tail > 0; tail-- {
				lines = append(lines, "\t(tail call): ?")
				i++
			}
		}
	}
	if th == th.G.MainThread {
		// The host's call of the main chunk (lua.c's "[C]: ?"); a
		// coroutine's stack ends with its body.
		lines = append(lines, "\t[G]: ?")
	}
	lines = lines[max(0, min(level, len(lines))):]
	if len(lines) > 20 {
		lines = append(append(lines[:7:7], "\t..."), lines[len(lines)-7:]...)
	}
	return strings.TrimSpace("stack traceback:\n" + strings.Join(lines, "\n"))
}

// frameName is how C Lua 5.1's traceback names a frame's function: by the
// name its caller gives it, else "main chunk" for the main function of a
// chunk (the script's, or one from load, loadstring or a coroutine's body
// when it is one), else "function <source:line>".
func frameName(dbg *lua.Debug) string {
	name := dbg.Name
	switch {
	case dbg.What == "main" && dbg.LineDefined > 0: // a coroutine's body ("corountine" to gopher-lua)
		return fmt.Sprintf("function <%s:%d>", dbg.Source, dbg.LineDefined)
	case dbg.What == "main" && name == "corountine": // a chunk as a coroutine's body
		return "main chunk"
	case dbg.What == "main":
		return name
	case name != "" && name[0] != '(' && name[0] != '<':
		return "function '" + name + "'"
	case dbg.What == "Lua" && dbg.LineDefined == 0:
		return "main chunk"
	default:
		return "function " + name
	}
}
