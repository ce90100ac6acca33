package flyscript

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
)

// harden removes what no VM should offer, after every library is open:
// gopher-lua's _printregs debug global (it writes the VM's registers, and
// the strings in them, to the process's stdout, around WithStdout and any
// redaction), and in the sandbox every collectgarbage option but "count"
// (each call of the others forces a full collection of the host's heap).
//
// It also makes a resumed coroutine run under the resuming call's context
// (adoptContext), and bounds how deeply coroutines resume one another, as
// C Lua 5.1 does (its "C stack overflow" at about 200 nested resumes): gopher-lua
// nests Go calls for each level, and unwinding an error through thousands
// of them (a deadline's, typically) takes time quadratic in the depth,
// 70 s for 16,000 levels, long after the deadline.
func (vm *VM) harden() {
	L := vm.state
	L.SetGlobal("_printregs", lua.LNil)
	if vm.cfg.sandbox {
		L.SetGlobal("collectgarbage", L.NewFunction(sandboxCollectGarbage))
	}
	vm.boundAllocations()
	if co, ok := L.GetGlobal("coroutine").(*lua.LTable); ok {
		if resume, ok := co.RawGetString("resume").(*lua.LFunction); ok {
			co.RawSetString("resume", L.NewFunction(boundedResume(resume)))
		}
		if wrap, ok := co.RawGetString("wrap").(*lua.LFunction); ok {
			co.RawSetString("wrap", L.NewFunction(boundedWrap(wrap)))
		}
	}
}

// maxNestedResumes is how many coroutines may run inside one another: a
// resume from a coroutine that many levels deep fails, as in C Lua 5.1
// (a script nesting coroutine.wrap calls gets the same depth there).
const maxNestedResumes = 197

// errNestedResumes is C Lua 5.1's message for the same limit.
const errNestedResumes = "C stack overflow"

// resumeDepth is how many coroutines L runs inside.
func resumeDepth(L *lua.LState) int {
	n := 0
	for th := L; th.Parent != nil && n <= maxNestedResumes; th = th.Parent {
		n++
	}
	return n
}

// boundedResume is coroutine.resume refusing to nest too deep: false and
// the message, as a failed resume returns.
func boundedResume(resume *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if resumeDepth(L) >= maxNestedResumes {
			L.Push(lua.LFalse)
			L.Push(lua.LString(errNestedResumes))
			return 2
		}
		if co, ok := L.Get(1).(*lua.LState); ok {
			adoptContext(L, co)
		}
		return callForward(L, resume)
	}
}

// boundedWrap is coroutine.wrap whose function raises the error when
// called too deep.
func boundedWrap(wrap *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		callForward(L, wrap)
		resumer, ok := L.Get(-1).(*lua.LFunction)
		if !ok {
			return 1
		}
		L.Push(L.NewFunction(func(L *lua.LState) int {
			if resumeDepth(L) >= maxNestedResumes {
				L.RaiseError("%s", errNestedResumes)
			}
			if len(resumer.Upvalues) > 0 {
				if co, ok := resumer.Upvalues[0].Value().(*lua.LState); ok {
					adoptContext(L, co)
				}
			}
			return callForward(L, resumer)
		}))
		return 1
	}
}

// adoptContext makes co, a coroutine L resumes, run under L's context: a
// coroutine runs in the call that resumes it, not in the one that created
// it. (gopher-lua gives a coroutine its creator's context for good: one
// kept in a global from an earlier call failed with "context canceled"
// when resumed, and one created outside any call ignored the deadline.)
func adoptContext(L, co *lua.LState) {
	ctx := L.Context()
	switch {
	case co.Context() == ctx:
	case ctx == nil:
		co.RemoveContext()
	default:
		co.SetContext(ctx)
	}
}

// callForward calls fn with the current arguments and leaves all its
// results on the stack, returning their number.
func callForward(L *lua.LState, fn *lua.LFunction) int {
	n := L.GetTop()
	L.Push(fn)
	for i := 1; i <= n; i++ {
		L.Push(L.Get(i))
	}
	L.Call(n, lua.MultRet)
	return L.GetTop() - n
}

// sandboxCollectGarbage is the sandbox's collectgarbage: "count" gives the
// Go heap in use in kilobytes, as Lua 5.1 gives its own; the options that
// drive the collector raise an error.
func sandboxCollectGarbage(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	if opt != "count" {
		L.RaiseError(`collectgarbage(%q) is not available in the sandbox (only "count" is)`, opt)
	}
	L.Push(lua.LNumber(float64(lua51.HeapBytes()) / 1024))
	return 1
}

// heapMetric is internal/lua51's, which collectgarbage("count") reads.
const heapMetric = lua51.HeapMetric
