package bindings

import (
	"sort"

	lua "github.com/yuin/gopher-lua"
)

// EndRun is called by the host when a run of the VM (a script, an Eval, a
// REPL line) has returned. The tasks fly.spawn started and nothing waited
// for are stopped there: their context is the run's, so they could not go
// on anyway, and a later run must not resume them. Their leases are
// released before EndRun returns.
//
// what names the run in the warnings ("script", "chunk"). When report is
// set (the run succeeded), it warns on the configured
// stderr, one line each, about the spawned tasks that were still running
// (a fire-and-forget fly.spawn(fly.machines.destroy, id) that did not
// happen) and those that failed with an error nothing waited for.
func (f *Fly) EndRun(what string, report bool) {
	s := f.sched
	var running, failed []*task
	for _, t := range s.tasks {
		if t.state != taskDone {
			running = append(running, t)
		}
	}
	for t := range s.unseen {
		failed = append(failed, t)
	}
	s.unseen = nil
	byID := func(ts []*task) {
		sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })
	}
	byID(running)
	byID(failed)
	for _, t := range running {
		s.abandon(t, what)
		if report && t.spawnedAt != "" {
			f.warn("fly.spawn: the task started at %s was still running when the %s ended, and was stopped (wait for it with task:wait())", t.spawnedAt, what)
		}
	}
	if report {
		for _, t := range failed {
			if t.spawnedAt != "" {
				f.warn("fly.spawn: the task started at %s failed and nothing waited for it: %s", t.spawnedAt, firstLine(errorText(t.errv)))
			}
		}
	}
	f.releaseEnded()
}

// abandon stops an unfinished task: its context ends (its exchange in
// flight is cancelled, its leases released by their keepers) and the
// scheduler forgets it; an answer that arrives later is ignored (complete).
func (s *scheduler) abandon(t *task, what string) {
	if t.cancel != nil {
		t.cancel()
	}
	delete(s.tasks, t.th)
	t.state = taskDone
	if t.errv == nil && t.results == nil {
		t.errv = lua.LString("the task was stopped when the " + what + " that started it ended")
	}
	s.ready = dropTask(s.ready, t)
	keep := s.sleepers[:0]
	for _, sl := range s.sleepers {
		if sl.t == t {
			s.pending--
			continue
		}
		keep = append(keep, sl)
	}
	s.sleepers = keep
}

// dropTask removes t from ts.
func dropTask(ts []*task, t *task) []*task {
	out := ts[:0]
	for _, x := range ts {
		if x != t {
			out = append(out, x)
		}
	}
	return out
}

// releaseEnded waits for the keepers whose context ended (an abandoned
// task's, or the run's) to release their leases, and forgets them.
func (f *Fly) releaseEnded() {
	for _, k := range f.held((*keeper).ended) {
		<-k.done
		f.unhold(k)
		f.forget(k)
	}
}
