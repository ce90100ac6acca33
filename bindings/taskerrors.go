package bindings

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
	flylua "github.com/flyscript/flyscript/lua"
)

// A task runs on a coroutine, which gopher-lua runs without a message
// handler: when it fails, the coroutine's stack is gone by the time Resume
// returns. So every task starts through entry (lua/fly/tasks.lua), whose
// first act is to call arm: arm sets the coroutine's Panic, which gopher-lua
// calls with the stack of the error still there, to raiseInTask. That
// describes the error as the VM's message handler would (naming what
// failed, see luadiag.RuntimeAt) and keeps the task's traceback, which
// TaskTraceback gives the host when the error reaches it.

// maxFailures is how many failed tasks' tracebacks are kept for
// TaskTraceback.
const maxFailures = 32

// failure is a task's error value with the traceback of where it was raised.
type failure struct {
	value     lua.LValue
	traceback string
}

// arm is called by entry on the task's coroutine.
func (s *scheduler) arm(L *lua.LState) int {
	L.Panic = s.raiseInTask
	return 0
}

// raiseInTask is the Panic of a task's coroutine: it runs when the task
// raises an error that nothing in it catches, before the stack unwinds.
func (s *scheduler) raiseInTask(L *lua.LState) {
	v := L.Get(-1)
	if str, ok := v.(lua.LString); ok {
		v = lua.LString(luadiag.RuntimeAt(L, 0, string(str)))
	}
	if t := s.tasks[L]; t != nil {
		t.traceback = luadiag.Traceback(L, 0, flylua.IsChunk)
	}
	panic(&lua.ApiError{Type: lua.ApiErrorRun, Object: v})
}

// remember keeps a failed task's error and traceback for TaskTraceback.
func (s *scheduler) remember(v lua.LValue, traceback string) {
	if traceback == "" {
		return
	}
	s.failures = append(s.failures, failure{value: v, traceback: traceback})
	if len(s.failures) > maxFailures {
		s.failures = s.failures[len(s.failures)-maxFailures:]
	}
}

// TaskTraceback returns the traceback of the task that raised v (a task's
// error re-raised by task:wait, or fly.parallel's error, for which it is
// the first failed item's), or "" when v is no task's error. The host shows
// it with the traceback of where the error surfaced.
func (f *Fly) TaskTraceback(v lua.LValue) string {
	fs := f.sched.failures
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].value == v {
			return fs[i].traceback
		}
	}
	return ""
}

// maxItemsInFull is how many failed items fly.parallel's error describes in
// full; the indexes of the others follow, up to maxItemsListed.
const (
	maxItemsInFull = 3
	maxItemsListed = 20
)

// parallelFailure is the error fly.parallel raises when items failed:
// "fly.parallel: 2 of 3 items failed", then the first items' errors in
// full, one a line, and the indexes of the rest. Its code is the first
// failed item's when that is a fly error, else task_failed; its errors
// field has every item's error by index.
func (s *scheduler) parallelFailure(L *lua.LState) int {
	errs := L.CheckTable(1)
	failed, total := L.CheckInt(2), L.CheckInt(3)
	var idx []int
	errs.ForEach(func(k, _ lua.LValue) {
		if i, ok := k.(lua.LNumber); ok {
			idx = append(idx, int(i))
		}
	})
	slices.Sort(idx)
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d items failed", failed, total)
	for n, i := range idx {
		if n == maxItemsInFull {
			rest := idx[n:]
			b.WriteString("\n  items")
			for m, j := range rest {
				if m == maxItemsListed {
					fmt.Fprintf(&b, " and %d more", len(rest)-m)
					break
				}
				if m > 0 {
					b.WriteByte(',')
				}
				b.WriteString(" " + strconv.Itoa(j))
			}
			b.WriteString(" failed too (the error's errors field has them all)")
			break
		}
		fmt.Fprintf(&b, "\n  item %d: %s", i, errorText(errs.RawGetInt(i)))
	}
	e := &Error{Op: "fly.parallel", Code: codeTaskFailed, Message: b.String()}
	var first lua.LValue = lua.LNil
	if len(idx) > 0 {
		first = errs.RawGetInt(idx[0])
	}
	if fe := AsError(first); fe != nil {
		e.Code, e.Retryable = fe.Code, fe.Retryable
	}
	v := s.f.errorValue(e)
	v.RawSetString("errors", errs)
	if len(idx) > 0 {
		s.remember(v, s.f.TaskTraceback(first))
	}
	L.Push(v)
	return 1
}
