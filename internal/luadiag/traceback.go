package luadiag

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Hidden, when set, reports the functions whose frames tracebacks leave
// out: internal/lua51 sets it (at init) to its message handlers and its
// concatenation, which stand for no function of C Lua's.
var Hidden func(fn *lua.LFunction) bool

// maxTraceback bounds the number of frames printed; deeper stacks keep
// their first and last frames, as lua.c does.
const maxTraceback = 22

// Traceback renders L's stack from level up, in lua.c's "stack
// traceback:\n\tfile:line: in function 'name'" form, or "" when there is no
// frame. A frame that was entered by a tail call is followed by a "(tail
// call)" line, as in lua.c: gopher-lua counts the calls it replaced as
// levels of their own, which GetStack answers with the bottom frame.
//
// The frames at the top of the stack that run library code (a chunk for
// which library reports true, and the Go functions such code calls) are
// left out: an error raised by the library is shown from the script's line
// that called it. Library frames further down, such as a library function
// calling the script's function, are kept.
func Traceback(L *lua.LState, level int, library func(chunk string) bool) string {
	var lines []string
	top := true
	depth := -1 // found once the first part is full
	for ; ; level++ {
		if len(lines) == maxTraceback/2 && depth < 0 {
			// A stack of millions of levels (tail calls count one each)
			// is not walked: the last part starts from its depth.
			depth = stackDepth(L)
			if depth-level > maxTraceback/2 {
				lines = append(lines, "\t...")
				level = depth - maxTraceback/2
			}
		}
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		fv, err := L.GetInfo("fSln", dbg, lua.LNil)
		if err != nil {
			continue
		}
		if fn, ok := fv.(*lua.LFunction); ok && Hidden != nil && Hidden(fn) {
			continue
		}
		if top {
			if library(dbg.Source) || (dbg.What == "G" && callerIn(L, level, library)) {
				continue
			}
			top = false
		}
		if dbg.What == "main" && dbg.LineDefined > 0 {
			// The bottom frame of a coroutine runs a function, not a
			// chunk; nothing is below it. (gopher-lua names it
			// "corountine", which says nothing.)
			dbg.What, dbg.Name = "Lua", ""
			lines = append(lines, "\t"+frameLine(dbg))
			break
		}
		if dbg.What == "main" {
			if _, more := L.GetStack(level + 1); more {
				lines = append(lines, "\t(tail call): ?")
				continue
			}
		}
		lines = append(lines, "\t"+frameLine(dbg))
	}
	if len(lines) == 0 {
		return ""
	}
	return "stack traceback:\n" + strings.Join(lines, "\n")
}

// stackDepth is the number of levels L.GetStack answers, found by
// doubling then bisecting: GetStack walks frames, not levels, so this
// costs O(frames log levels) where walking every level would cost one step
// per tail call.
func stackDepth(L *lua.LState) int {
	if _, ok := L.GetStack(0); !ok {
		return 0
	}
	lo, hi := 0, 1 // GetStack(lo) answers, GetStack(hi) is not known to
	for {
		if _, ok := L.GetStack(hi); !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if _, ok := L.GetStack(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// callerIn reports whether the frame below level runs library code.
func callerIn(L *lua.LState, level int, library func(string) bool) bool {
	dbg, ok := L.GetStack(level + 1)
	if !ok {
		return false
	}
	if _, err := L.GetInfo("S", dbg, lua.LNil); err != nil {
		return false
	}
	return library(dbg.Source)
}

// frameLine is one traceback line: "file:12: in function 'name'".
func frameLine(dbg *lua.Debug) string {
	var where string
	switch {
	case dbg.What == "G":
		where = "[G]:"
	case dbg.CurrentLine > 0:
		where = fmt.Sprintf("%s:%d:", dbg.Source, dbg.CurrentLine)
	default:
		where = dbg.Source + ":"
	}
	switch {
	case dbg.What == "main":
		return where + " in main chunk"
	case strings.HasPrefix(dbg.Name, "<"):
		return fmt.Sprintf("%s in function %s", where, dbg.Name)
	case dbg.Name != "" && dbg.Name != "?":
		return fmt.Sprintf("%s in function '%s'", where, dbg.Name)
	case dbg.What == "G":
		return where + " ?"
	default:
		return fmt.Sprintf("%s in function <%s:%d>", where, dbg.Source, dbg.LineDefined)
	}
}

// Location is the "file:line" of the innermost Lua frame from level up
// that does not run library code, or of the innermost Lua frame when only
// library code runs Lua; "" when there is none.
func Location(L *lua.LState, level int, library func(chunk string) bool) string {
	first := ""
	for ; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return first
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			continue
		}
		if dbg.What == "G" || dbg.CurrentLine <= 0 {
			continue
		}
		where := fmt.Sprintf("%s:%d", dbg.Source, dbg.CurrentLine)
		if !library(dbg.Source) {
			return where
		}
		if first == "" {
			first = where
		}
	}
}
