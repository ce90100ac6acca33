package lua51

import (
	"runtime"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// openCoroutine wraps coroutine.resume (a coroutine that overflows its
// call stack fails with Lua's "stack overflow" at its line) and
// coroutine.yield (an error across a Go call, as in C Lua).
func (o *opener) openCoroutine() {
	co, ok := o.lib("coroutine")
	if !ok {
		return
	}
	if yield, ok := co.RawGetString("yield").(*lua.LFunction); ok {
		co.RawSetString("yield", o.yielder(yield))
	}
	// Lua 5.1's argument errors of create, wrap and status.
	for name, want := range map[string]string{"create": "Lua function expected", "wrap": "Lua function expected", "status": "coroutine expected"} {
		fn, ok := co.RawGetString(name).(*lua.LFunction)
		if !ok || !fn.IsG {
			continue
		}
		co.RawSetString(name, o.L.NewFunction(func(L *lua.LState) int {
			if _, isThread := L.Get(1).(*lua.LState); want == "coroutine expected" && !isThread {
				L.ArgError(1, want)
			}
			if f, isFn := L.Get(1).(*lua.LFunction); want != "coroutine expected" && (!isFn || f.IsG) {
				L.ArgError(1, want) // a Go function is no Lua function, as a C one is not in C Lua
			}
			return fn.GFunction(L)
		}))
	}
	resume, ok := co.RawGetString("resume").(*lua.LFunction)
	if !ok {
		return
	}
	co.RawSetString("resume", o.L.NewFunction(func(L *lua.LState) int {
		th, ok := L.Get(1).(*lua.LState)
		if !ok {
			L.ArgError(1, "coroutine expected")
		}
		if th.Dead {
			L.Push(lua.LFalse)
			L.Push(lua.LString("cannot resume dead coroutine"))
			return 2
		}
		n := forward(L, resume)
		top := L.GetTop()
		if n >= 2 && L.Get(top-n+1) == lua.LFalse {
			if msg, ok := L.Get(top - n + 2).(lua.LString); ok {
				if isOverflow(msg) {
					L.Replace(top-n+2, lua.LString(Where(th, 0)+"stack overflow"))
				} else {
					L.Replace(top-n+2, lua.LString(CoroutineError(L, string(msg))))
				}
			}
		}
		return n
	}))
}

// yielderSource makes coroutine.yield a Lua function over gopher-lua's, so
// that `return coroutine.yield(v)` is a Lua tail call: gopher-lua's tail
// call of a Go function that yields drops the caller's frame, and resuming
// the coroutine then crashed the VM (a nil pointer in Go). The Go yield is
// called here in a plain call, its results passed on by select.
const yielderSource = `local yield, select = ...
return function(...) return select(1, yield(...)) end`

// yielderProto is yielderSource compiled once per process (a prototype is
// immutable, so every state shares it): compiling it for each VM cost more
// than the rest of the coroutine library.
var yielderProto = sync.OnceValues(func() (*lua.FunctionProto, error) {
	return Compile([]byte(yielderSource), "=coroutine.yield")
})

// yielder is coroutine.yield: Lua's over goYield (gopher-lua's yield), with
// an error for a yield across a Go call or outside a coroutine, as in C Lua.
func (o *opener) yielder(goYield *lua.LFunction) lua.LValue {
	L := o.L
	checked := L.NewFunction(func(L *lua.LState) int {
		if L.Parent == nil || crossesBoundary() {
			L.Error(lua.LString("attempt to yield across metamethod/C-call boundary"), 0)
		}
		return goYield.GFunction(L)
	})
	proto, err := yielderProto()
	if err != nil {
		panic(err) // the source above compiles
	}
	L.Push(L.NewFunctionFromProto(proto))
	L.Push(checked)
	L.Push(L.GetGlobal("select"))
	L.Call(2, 1)
	v := L.Get(-1)
	L.Pop(1)
	return v
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
