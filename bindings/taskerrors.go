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
// TaskFailure gives the host when the error reaches it.

// maxFailures is how many failed tasks' tracebacks are kept for
// TaskFailure.
const maxFailures = 32

// failure is a task's error value with where it was raised: the task's
// line ("file:line") and traceback.
type failure struct {
	value     lua.LValue
	where     string
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
		t.where = luadiag.Location(L, 0, flylua.IsChunk)
		t.traceback = luadiag.Traceback(L, 0, flylua.IsChunk)
		if t.traceback == "" && t.fn.Proto != nil {
			// Only library frames are left: the task's function made a
			// tail call (return fly.machines.get(id)), which replaced its
			// frame. Say which function it was.
			t.where = ""
			t.traceback = fmt.Sprintf("stack traceback:\n\t(tail call) from function <%s:%d>", t.fn.Proto.SourceName, t.fn.Proto.LineDefined)
		}
	}
	panic(&lua.ApiError{Type: lua.ApiErrorRun, Object: v})
}

// remember keeps a failed task's error, line and traceback for
// TaskFailure.
func (s *scheduler) remember(v lua.LValue, where, traceback string) {
	if traceback == "" {
		return
	}
	s.failures = append(s.failures, failure{value: v, where: where, traceback: traceback})
	if len(s.failures) > maxFailures {
		s.failures = s.failures[len(s.failures)-maxFailures:]
	}
}

// TaskFailure tells where the task that raised v failed: its "file:line"
// and traceback, for a task's error re-raised by task:wait; for
// fly.parallel's error, the first failed item's traceback (where is "":
// the error belongs to the line that called fly.parallel). Both are ""
// when v is no task's error. The host shows the task's traceback before
// the one of where the error surfaced.
func (f *Fly) TaskFailure(v lua.LValue) (where, traceback string) {
	fs := f.sched.failures
	for i := len(fs) - 1; i >= 0; i-- {
		if fs[i].value == v {
			return fs[i].where, fs[i].traceback
		}
	}
	return "", ""
}

// itemText is a failed item's error in one line, preceded by the task's
// "file:line" when the error does not carry one (a fly error, a table):
// "d11.lua:6: fly.machines.get: 404 not_found: ...".
func (s *scheduler) itemText(v lua.LValue) string {
	text := errorText(v)
	if _, isString := v.(lua.LString); isString {
		return text
	}
	if where, _ := s.f.TaskFailure(v); where != "" {
		return where + ": " + text
	}
	return text
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
		// An item's own lines (a nested fly.parallel's list) are indented
		// under it, so they do not read as this call's items.
		text := strings.ReplaceAll(s.itemText(errs.RawGetInt(i)), "\n", "\n    ")
		fmt.Fprintf(&b, "\n  item %d: %s", i, text)
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
		_, tb := s.f.TaskFailure(first)
		s.remember(v, "", tb)
	}
	L.Push(v)
	return 1
}
