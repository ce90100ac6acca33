package bindings

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"

	"github.com/flyscript/flyscript/stdlib"
)

// Cooperative concurrency (fly.spawn, fly.parallel), as in OpenResty: a task
// is a coroutine. A fly call inside a task starts its exchange's run on a
// goroutine and yields the coroutine (Fly.do); the scheduler, always on the
// VM's goroutine, resumes the coroutine with push's values when the answer
// comes. The scheduler runs while something outside any task waits
// (task:wait(), fly.parallel): tasks progress during those waits.

// taskState is where a task stands.
type taskState int

const (
	taskReady   taskState = iota // to be resumed
	taskRunning                  // being resumed now
	taskIO                       // waiting for an exchange
	taskWaiting                  // waiting for other tasks
	taskDone
)

// task is one coroutine of fly.spawn.
type task struct {
	id      int
	th      *lua.LState
	cancel  context.CancelFunc
	fn      *lua.LFunction
	started bool
	state   taskState
	args    []lua.LValue // values to resume with
	gen     int          // bumps on every wait, so stale wake-ups are ignored
	waiters []waiter
	results []lua.LValue
	errv    lua.LValue // the error value when it failed
	// where ("file:line") and traceback tell where it failed (see
	// raiseInTask).
	where, traceback string
	handle           *lua.LUserData
	// spawnedAt is the "file:line" of the fly.spawn that started the task
	// ("" for fly.parallel's tasks, whose outcomes it collects itself).
	spawnedAt string
}

// waiter is a task waiting for another: for it (any < 0) or for any of a
// set, where any is the position to report.
type waiter struct {
	t   *task
	gen int
	any int
}

// completion is an exchange that finished on its goroutine.
type completion struct {
	t   *task
	x   exchange
	res any
	err error
}

// scheduler runs the tasks of one VM.
type scheduler struct {
	f       *Fly
	nextID  int
	tasks   map[*lua.LState]*task // running coroutines
	ready   []*task
	pending int // exchanges in flight
	// sleepers are the tasks in time.sleep on a virtual clock (clock.go),
	// counted in pending.
	sleepers []sleeper

	mu     sync.Mutex
	queue  []completion
	notify chan struct{}

	fail     *lua.LUserData // the (fail, err) marker of a failed call
	entry    *lua.LFunction // starts a task: entry(arm, fn, ...)
	armFn    *lua.LFunction // s.arm
	failures []failure      // the last failed tasks, for TaskFailure
	// unseen are the spawned tasks that failed and nothing waited for yet
	// (EndRun warns about them).
	unseen    map[*task]struct{}
	taskMeta  *lua.LTable
	installed bool
}

func newScheduler(f *Fly) *scheduler {
	return &scheduler{f: f, tasks: map[*lua.LState]*task{}, notify: make(chan struct{}, 1),
		fail: &lua.LUserData{Value: "fly.fail", Metatable: lua.LNil}}
}

// taskOf returns the task L runs in (L itself, or a coroutine started inside
// a task), or nil outside tasks.
func (s *scheduler) taskOf(L *lua.LState) *task {
	if len(s.tasks) == 0 {
		return nil
	}
	for th := L; th != nil; th = th.Parent {
		if t, ok := s.tasks[th]; ok {
			return t
		}
	}
	return nil
}

// await performs x for a task: run on a goroutine, the coroutine yields.
func (s *scheduler) await(L *lua.LState, t *task, x exchange) int {
	ctx := stateContext(t.th)
	t.state = taskIO
	s.pending++
	go func() {
		res, err := s.f.runExchange(ctx, x)
		s.mu.Lock()
		s.queue = append(s.queue, completion{t: t, x: x, res: res, err: err})
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}()
	return L.Yield()
}

// take removes the completions that have arrived.
func (s *scheduler) take() []completion {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// complete turns a finished exchange into the values its task resumes with.
func (s *scheduler) complete(L *lua.LState, c completion) {
	s.pending--
	t := c.t
	if t.state != taskIO {
		return
	}
	if c.err != nil {
		t.args = []lua.LValue{s.fail, s.f.errorValue(fromGoError(c.x.op, c.err))}
	} else {
		t.args = s.pushValues(L, c.x, c.res)
	}
	s.makeReady(t)
}

// pushValues runs x.push protected, returning its values or (fail, err).
func (s *scheduler) pushValues(L *lua.LState, x exchange, res any) []lua.LValue {
	top := L.GetTop()
	fn := L.NewFunction(func(L *lua.LState) int { return x.push(L, res) })
	if err := lua51.Protected(L, fn, lua.MultRet); err != nil {
		return []lua.LValue{s.fail, errorObject(err)}
	}
	n := L.GetTop() - top
	vals := make([]lua.LValue, n)
	for i := 0; i < n; i++ {
		vals[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return vals
}

// errorObject is the Lua value a failed protected call raised.
func errorObject(err error) lua.LValue {
	if ae, ok := err.(*lua.ApiError); ok && ae.Object != nil {
		return ae.Object
	}
	return lua.LString(err.Error())
}

func (s *scheduler) makeReady(t *task) {
	t.state = taskReady
	s.ready = append(s.ready, t)
}

// step resumes t until it yields or ends.
func (s *scheduler) step(L *lua.LState, t *task) {
	t.state = taskRunning
	args := t.args
	t.args = nil
	var st lua.ResumeState
	var err error
	var vals []lua.LValue
	if !t.started {
		t.started = true
		st, vals, err = lua51.Resume(L, t.th, s.entry, append([]lua.LValue{s.armFn, t.fn}, args...)...)
	} else {
		st, vals, err = lua51.Resume(L, t.th, nil, args...)
	}
	switch st {
	case lua.ResumeOK:
		s.finish(t, vals, nil)
	case lua.ResumeError:
		s.finish(t, nil, errorObject(err))
	default:
		if t.state == taskRunning { // coroutine.yield() in a task: let the others run
			s.makeReady(t)
		}
	}
}

// finish records t's outcome and wakes its waiters.
func (s *scheduler) finish(t *task, results []lua.LValue, errv lua.LValue) {
	t.state = taskDone
	t.results, t.errv = results, errv
	if errv != nil {
		s.remember(errv, t.where, t.traceback)
		if t.spawnedAt != "" {
			if s.unseen == nil {
				s.unseen = map[*task]struct{}{}
			}
			s.unseen[t] = struct{}{}
		}
	}
	if t.results == nil && errv == nil {
		t.results = []lua.LValue{}
	}
	delete(s.tasks, t.th)
	if t.cancel != nil {
		t.cancel()
	}
	for _, w := range t.waiters {
		if w.t.state != taskWaiting || w.t.gen != w.gen {
			continue
		}
		if w.any >= 0 {
			w.t.args = []lua.LValue{lua.LNumber(w.any)}
		} else {
			w.t.args = s.outcomeValues(t)
		}
		s.makeReady(w.t)
	}
	t.waiters = nil
}

// outcomeValues are what waiting for t returns: its results, or (fail, err).
func (s *scheduler) outcomeValues(t *task) []lua.LValue {
	delete(s.unseen, t)
	if t.errv != nil {
		return []lua.LValue{s.fail, t.errv}
	}
	return t.results
}

// runUntil runs tasks on L (outside any task) until done() holds. When L's
// context ends, the tasks are abandoned where they stand (or end with the
// error it raised in them); runUntil then waits for the leases they held to
// be released before it returns.
func (s *scheduler) runUntil(L *lua.LState, done func() bool) error {
	err := s.run(L, done)
	if stateContext(L).Err() != nil {
		s.f.settle()
	}
	return err
}

// run is runUntil's loop.
func (s *scheduler) run(L *lua.LState, done func() bool) error {
	ctx := stateContext(L)
	for !done() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if len(s.ready) > 0 {
			t := s.ready[0]
			s.ready = s.ready[1:]
			s.step(L, t)
			continue
		}
		if q := s.take(); len(q) > 0 {
			for _, c := range q {
				s.complete(L, c)
			}
			continue
		}
		if s.wakeVirtual(L) {
			continue
		}
		if s.pending == 0 {
			return fmt.Errorf("waiting for tasks that cannot finish (they wait for each other)")
		}
		select {
		case <-s.notify:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// install prepares the VM for tasks on first use: pcall and xpcall that
// work inside tasks, and a time.sleep that yields inside them.
func (s *scheduler) install(L *lua.LState) error {
	if s.installed {
		return nil
	}
	s.installed = true
	m, err := s.f.luaModule("fly/tasks.lua")
	if err != nil {
		return err
	}
	protect, ok := m.RawGetString("protect").(*lua.LFunction)
	entry, ok2 := m.RawGetString("entry").(*lua.LFunction)
	if !ok || !ok2 {
		return fmt.Errorf("bindings: fly/tasks.lua has no protect or entry")
	}
	s.entry, s.armFn = entry, L.NewFunction(s.arm)
	inTask := L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(s.taskOf(L) != nil))
		return 1
	})
	if err := lua51.Protected(L, protect, 2, inTask, L.GetGlobal("pcall"), L.GetGlobal("xpcall")); err != nil {
		return err
	}
	L.SetGlobal("xpcall", L.Get(-1))
	L.SetGlobal("pcall", L.Get(-2))
	L.Pop(2)
	stdlib.SetSleep(L, s.sleep)
	return nil
}

// sleep is time.sleep: inside a task it yields for d.
func (s *scheduler) sleep(L *lua.LState, d time.Duration) int {
	t := s.taskOf(L)
	if t == nil {
		if s.f.clock != nil {
			return s.f.virtualSleep(L, d)
		}
		return stdlib.BlockingSleep(L, d)
	}
	if s.f.clock != nil {
		return s.sleepVirtual(L, t, d)
	}
	return s.await(L, t, exchange{
		op: "time.sleep",
		run: func(ctx context.Context) (any, error) {
			if d <= 0 {
				return nil, nil
			}
			tm := time.NewTimer(d)
			defer tm.Stop()
			select {
			case <-tm.C:
				return nil, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		},
		push: func(*lua.LState, any) int { return 0 },
	})
}

// spawn starts fn(args...) as a task and runs it until it first yields.
// where is the place of the fly.spawn that asked for it ("" for
// fly.parallel's own tasks).
func (s *scheduler) spawn(L *lua.LState, fn *lua.LFunction, args []lua.LValue, where string) (*task, error) {
	if err := s.install(L); err != nil {
		return nil, err
	}
	th, cancel := L.NewThread()
	if L.Context() == nil {
		ctx, c := context.WithCancel(context.Background())
		th.SetContext(ctx)
		cancel = c
	}
	s.nextID++
	t := &task{id: s.nextID, th: th, cancel: cancel, fn: fn, args: args, spawnedAt: where}
	t.handle = &lua.LUserData{Value: t, Metatable: s.meta(L)}
	s.tasks[th] = t
	s.step(L, t)
	return t, nil
}

// meta is the metatable of task handles: task:wait(), tostring.
func (s *scheduler) meta(L *lua.LState) *lua.LTable {
	if s.taskMeta != nil {
		return s.taskMeta
	}
	mt := L.NewTable()
	methods := L.NewTable()
	methods.RawSetString("wait", s.f.wrapped(L.NewFunction(s.waitTask)))
	mt.RawSetString("__index", methods)
	mt.RawSetString("__name", lua.LString("fly.task"))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		t := s.checkTask(L, 1, "tostring")
		state := "running"
		switch {
		case t.state == taskDone && t.errv != nil:
			state = "failed"
		case t.state == taskDone:
			state = "done"
		}
		L.Push(lua.LString("<task " + strconv.Itoa(t.id) + " " + state + ">"))
		return 1
	}))
	s.taskMeta = mt
	return mt
}

func (s *scheduler) checkTask(L *lua.LState, n int, fn string) *task {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if t, ok := ud.Value.(*task); ok {
			return t
		}
	}
	if n == 1 && L.Get(1) == lua.LNil {
		L.Error(lua.LString(callerWhere(L)+"bad argument #1 to '"+fn+"' (task expected, got nil) (hint: call it with a colon: task:"+fn+"())"), 0)
	}
	typeError(L, n, fn, "task", L.Get(n))
	return nil
}

// waitTask is task:wait(): fn's results, or its error raised.
func (s *scheduler) waitTask(L *lua.LState) int {
	t := s.checkTask(L, 1, "wait")
	if t.state != taskDone {
		if cur := s.taskOf(L); cur != nil {
			if cur == t {
				L.RaiseError("a task cannot wait for itself")
			}
			cur.state = taskWaiting
			cur.gen++
			t.waiters = append(t.waiters, waiter{t: cur, gen: cur.gen, any: -1})
			return L.Yield()
		}
		if err := s.runUntil(L, func() bool { return t.state == taskDone }); err != nil {
			s.f.raise(L, "task:wait", err)
		}
	}
	vals := s.outcomeValues(t)
	for _, v := range vals {
		L.Push(v)
	}
	return len(vals)
}

// waitAny waits for one of the tasks of a list of {task = t} entries and
// returns its position.
func (s *scheduler) waitAny(L *lua.LState) int {
	list := L.CheckTable(1)
	n := list.Len()
	tasks := make([]*task, n)
	for i := 1; i <= n; i++ {
		entry, _ := list.RawGetInt(i).(*lua.LTable)
		var v lua.LValue = lua.LNil
		if entry != nil {
			v = entry.RawGetString("task")
		}
		ud, _ := v.(*lua.LUserData)
		if ud == nil {
			L.RaiseError("wait_any: entry %d has no task", i)
		}
		tasks[i-1] = ud.Value.(*task)
	}
	first := func() int {
		for i, t := range tasks {
			if t.state == taskDone {
				return i + 1
			}
		}
		return 0
	}
	if k := first(); k > 0 || n == 0 {
		L.Push(lua.LNumber(k))
		return 1
	}
	if cur := s.taskOf(L); cur != nil {
		cur.state = taskWaiting
		cur.gen++
		for i, t := range tasks {
			t.waiters = append(t.waiters, waiter{t: cur, gen: cur.gen, any: i + 1})
		}
		return L.Yield()
	}
	if err := s.runUntil(L, func() bool { return first() > 0 }); err != nil {
		s.f.raise(L, "fly.parallel", err)
	}
	L.Push(lua.LNumber(first()))
	return 1
}

// spawnImpl is fly.spawn(fn, ...).
func spawnImpl(f *Fly, L *lua.LState, fn *Func, _ string) int {
	body, ok := L.Get(1).(*lua.LFunction)
	if !ok {
		typeError(L, 1, fn.Name, "function", L.Get(1))
	}
	var args []lua.LValue
	for i := 2; i <= L.GetTop(); i++ {
		args = append(args, L.Get(i))
	}
	where := strings.TrimSuffix(strings.TrimSpace(callerWhere(L)), ":")
	if where == "" {
		where = "?"
	}
	t, err := f.sched.spawn(L, body, args, where)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	L.Push(t.handle)
	return 1
}

// parallelPrimitives are the Go functions fly.parallel is written over.
func (f *Fly) parallelPrimitives(L *lua.LState) *lua.LTable {
	s := f.sched
	prim := L.NewTable()
	prim.RawSetString("spawn", L.NewFunction(func(L *lua.LState) int {
		t, err := s.spawn(L, L.CheckFunction(1), []lua.LValue{L.Get(2), L.Get(3)}, "")
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(t.handle)
		return 1
	}))
	prim.RawSetString("wait_any", f.wrapped(L.NewFunction(s.waitAny)))
	prim.RawSetString("in_task", L.NewFunction(f.inTask))
	prim.RawSetString("guard", L.NewFunction(f.guard))
	prim.RawSetString("outcome", L.NewFunction(func(L *lua.LState) int {
		t := s.checkTask(L, 1, "outcome")
		if t.errv != nil {
			L.Push(lua.LFalse)
			L.Push(t.errv)
			return 2
		}
		L.Push(lua.LTrue)
		if len(t.results) > 0 {
			L.Push(t.results[0])
		} else {
			L.Push(lua.LNil)
		}
		return 2
	}))
	prim.RawSetString("check_opts", L.NewFunction(func(L *lua.LState) int {
		c := &call{fn: parallelFunc()}
		f.applyOpts(L, 1, c, L.Get(1))
		if v, ok := c.local["concurrency"]; ok {
			n, isNum := v.(lua.LNumber)
			if !isNum || float64(n) < 1 || float64(n) != float64(int(n)) {
				f.raiseInvalid(L, "fly.parallel", "concurrency: expected a positive integer, got "+v.String())
			}
		}
		if v, ok := c.local["collect"]; ok {
			if _, isBool := v.(lua.LBool); !isBool {
				f.raiseInvalid(L, "fly.parallel", "collect: expected boolean, got "+luaTypeName(v))
			}
		}
		if v, ok := c.local["progress"]; ok {
			_, isStr := v.(lua.LString)
			if !isStr && v != lua.LFalse {
				f.raiseInvalid(L, "fly.parallel", "progress: expected string or false, got "+luaTypeName(v))
			}
		}
		return 0
	}))
	prim.RawSetString("progress", L.NewFunction(func(L *lua.LState) int {
		// On a terminal a bar is drawn unless progress = false; its label
		// is opts.progress, "fly.parallel" by default.
		if !f.progress || L.Get(1) == lua.LFalse {
			L.Push(lua.LNil)
			return 1
		}
		label, ok := L.Get(1).(lua.LString)
		if !ok || label == "" {
			label = "fly.parallel"
		}
		bar := progressbar.NewOptions(L.CheckInt(2), progressbar.OptionSetWriter(f.stderr),
			progressbar.OptionSetDescription(string(label)), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish())
		// Drawn at once, at 0/n: the first item may take a while.
		_ = bar.RenderBlank()
		f.bars = append(f.bars, bar)
		t := L.NewTable()
		t.RawSetString("add", L.NewFunction(func(L *lua.LState) int {
			_ = bar.Add(L.OptInt(1, 1))
			return 0
		}))
		t.RawSetString("finish", L.NewFunction(func(L *lua.LState) int {
			_ = bar.Finish()
			f.dropBar(bar)
			return 0
		}))
		L.Push(t)
		return 1
	}))
	prim.RawSetString("failure", L.NewFunction(s.parallelFailure))
	return prim
}

// guard is guard(fn, ...) for fly.parallel outside tasks: fn(...) under a
// native protected call, its results or its error re-raised unchanged. When
// the state's context ended (the script is interrupted), it first waits for
// the leases of the abandoned tasks to be released, however the interruption
// surfaced: in the scheduler, or at a Lua instruction of fly.parallel.
func (f *Fly) guard(L *lua.LState) int {
	L.CheckFunction(1)
	if err := lua51.PCall(L, L.GetTop()-1, lua.MultRet, nil); err != nil {
		if stateContext(L).Err() != nil {
			f.settle()
		}
		f.clearBars()
		L.Error(errorObject(err), 0)
	}
	return L.GetTop() // fn's results took the place of fn and its arguments
}

// dropBar forgets a progress bar that finished.
func (f *Fly) dropBar(bar *progressbar.ProgressBar) {
	for i, b := range f.bars {
		if b == bar {
			f.bars = append(f.bars[:i], f.bars[i+1:]...)
			return
		}
	}
}

// clearBars blanks the line of the progress bars left unfinished by a
// failure or an interruption (Ctrl-C), so that the error that follows
// starts on a clean line.
func (f *Fly) clearBars() {
	for _, b := range f.bars {
		_ = b.Clear()
	}
	if len(f.bars) > 0 {
		// Erase to the end of the line too: the terminal's echo of Ctrl-C
		// ("^C") stands after the bar's width that Clear blanks.
		_, _ = io.WriteString(f.stderr, "\r\x1b[K")
	}
	f.bars = nil
}

// errorText is an error value's one-line text.
func errorText(v lua.LValue) string {
	if e := AsError(v); e != nil {
		return e.Error()
	}
	return v.String()
}

func parallelFunc() *Func {
	registry()
	return registryByKey["fly.parallel"]
}
