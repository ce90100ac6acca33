package lua51

import (
	"runtime"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openCoroutine wraps coroutine.resume (a coroutine that overflows its
// call stack fails with Lua's "stack overflow" at its line) and
// coroutine.yield (an error across a Go call, as in C Lua).
func (o *opener) openCoroutine() {
	co, ok := o.L.GetGlobal("coroutine").(*lua.LTable)
	if !ok {
		return
	}
	if yield, ok := co.RawGetString("yield").(*lua.LFunction); ok {
		co.RawSetString("yield", o.L.NewFunction(func(L *lua.LState) int {
			if crossesBoundary() {
				L.Error(lua.LString("attempt to yield across metamethod/C-call boundary"), 0)
			}
			return yield.GFunction(L)
		}))
	}
	resume, ok := co.RawGetString("resume").(*lua.LFunction)
	if !ok {
		return
	}
	co.RawSetString("resume", o.L.NewFunction(func(L *lua.LState) int {
		th := L.CheckThread(1)
		n := forward(L, resume)
		top := L.GetTop()
		if n >= 2 && L.Get(top-n+1) == lua.LFalse {
			if msg, ok := L.Get(top - n + 2).(lua.LString); ok && isOverflow(msg) {
				L.Replace(top-n+2, lua.LString(Where(th, 0)+"stack overflow"))
			}
		}
		return n
	}))
}

func isOverflow(v lua.LString) bool { return strings.HasPrefix(string(v), callstackOverflow) }

// Resume is L.Resume (with the error last; the scheduler's way of running a task), with a
// call-stack overflow in th reported as Lua's "stack overflow" at its line.
func Resume(L, th *lua.LState, fn *lua.LFunction, args ...lua.LValue) (lua.ResumeState, []lua.LValue, error) {
	st, err, vals := L.Resume(th, fn, args...)
	if st == lua.ResumeError {
		if msg, ok := ErrorValue(err).(lua.LString); ok && isOverflow(msg) {
			err = &lua.ApiError{Type: lua.ApiErrorRun, Object: lua.LString(Where(th, 0) + "stack overflow")}
		}
	}
	return st, vals, err
}

// gopherLua is the package path of gopher-lua's functions in Go tracebacks.
const gopherLua = "github.com/yuin/gopher-lua."

// crossesBoundary reports whether a yield from the running Go function
// would cross a Go call into Lua: a protected call, a table.sort
// comparator, a gsub callback, a metamethod. gopher-lua runs such a call in
// a nested interpreter loop, which a yield cannot leave (the coroutine was
// left "running" and the next resume crashed); C Lua 5.1 raises an error
// there, and so does flyscript. The loops are counted on the Go stack, from
// the yield down to the coroutine's own loop (threadRun).
func crossesBoundary() bool {
	pcs := make([]uintptr, 64)
	for {
		n := runtime.Callers(2, pcs)
		frames := runtime.CallersFrames(pcs[:n])
		loops := 0
		for {
			f, more := frames.Next()
			switch {
			case strings.HasPrefix(f.Function, gopherLua+"mainLoop"):
				loops++
			case f.Function == gopherLua+"threadRun":
				return loops > 1
			}
			if !more {
				break
			}
		}
		if n < len(pcs) {
			return false // not in a coroutine: gopher-lua's yield says so
		}
		pcs = make([]uintptr, 2*len(pcs))
	}
}
