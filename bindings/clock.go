package bindings

import (
	"context"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// SleepOn returns the time.sleep of a VM that runs on c instead of the wall
// clock (Config.Clock): it returns once d has passed on c, and raises
// "time.sleep: <why>" as BlockingSleep does when L's context ends.
func SleepOn(c Clock) stdlib.SleepFunc {
	return func(L *lua.LState, d time.Duration) int {
		ctx := L.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		if err := ctx.Err(); err != nil {
			L.RaiseError("time.sleep: %v", err)
		}
		if err := c.Sleep(ctx, d); err != nil {
			L.RaiseError("time.sleep: %v", err)
		}
		return 0
	}
}

// virtualSleep is time.sleep outside tasks on Config.Clock.
func (f *Fly) virtualSleep(L *lua.LState, d time.Duration) int { return SleepOn(f.clock)(L, d) }

// sleeper is a task in time.sleep on a virtual clock.
type sleeper struct {
	t     *task
	until time.Time
}

// sleepVirtual is time.sleep inside a task on a virtual clock: the task
// yields, and wakes when the scheduler has nothing else to do and moves the
// clock to the earliest wake-up (wakeVirtual). Tasks sleeping together thus
// sleep at the same time: two tasks sleeping 10 s take 10 s of virtual time,
// not 20.
func (s *scheduler) sleepVirtual(L *lua.LState, t *task, d time.Duration) int {
	t.state = taskIO
	s.pending++
	s.sleepers = append(s.sleepers, sleeper{t: t, until: s.f.clock.Now().Add(d)})
	return L.Yield()
}

// wakeVirtual, when every task in flight is a virtual sleeper, moves the
// clock to the earliest wake-up and wakes the tasks due. It reports whether
// it woke any.
func (s *scheduler) wakeVirtual(L *lua.LState) bool {
	if len(s.sleepers) == 0 || s.pending != len(s.sleepers) {
		return false
	}
	next := s.sleepers[0].until
	for _, sl := range s.sleepers[1:] {
		if sl.until.Before(next) {
			next = sl.until
		}
	}
	if d := next.Sub(s.f.clock.Now()); d > 0 {
		if err := s.f.clock.Sleep(stateContext(L), d); err != nil {
			return false
		}
	}
	now := s.f.clock.Now()
	keep := s.sleepers[:0]
	var due []sleeper
	for _, sl := range s.sleepers {
		if sl.until.After(now) {
			keep = append(keep, sl)
		} else {
			due = append(due, sl)
		}
	}
	s.sleepers = keep
	for _, sl := range due {
		s.complete(L, completion{t: sl.t, x: exchange{op: "time.sleep", push: func(*lua.LState, any) int { return 0 }}})
	}
	return len(due) > 0
}
