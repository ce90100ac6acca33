package flyscript

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/stdlib"
)

// ErrMemoryLimit is the cause of a run that went over its memory budget
// (WithMemoryLimit): errors.Is(err, ErrMemoryLimit) tells it from other
// failures.
var ErrMemoryLimit = errors.New("memory limit exceeded")

// DefaultSandboxMemoryLimit is the memory budget of a run in a sandboxed VM
// when WithMemoryLimit does not set one.
const DefaultSandboxMemoryLimit = 256 << 20

// WithMemoryLimit sets the memory budget of each run (Run, RunSource,
// Eval, Call) in bytes: how much the Go heap may grow while the script
// runs. A function that would build a larger string or table at once
// (string.rep, table.concat) fails with an error saying so, a chunk
// (Run's, RunSource's, Eval's, load's) whose compiling would take more is
// refused before it is compiled, and a watchdog
// ends a run whose memory grows past the budget, with a *ScriptError whose
// Err matches ErrMemoryLimit. 0 means no budget (the default, except under
// WithSandbox, whose default is DefaultSandboxMemoryLimit); New refuses a
// negative one.
//
// The budget is read on the heap of the whole process, as its growth since
// the run began: VMs running at the same time share it, and memory the
// host allocates meanwhile counts too. It keeps a script from taking the
// host down; it is not an exact account of one VM.
func WithMemoryLimit(bytes int64) Option {
	return func(cfg *config) {
		if bytes < 0 {
			// Not "none": under WithSandbox that would lift the sandbox's budget.
			cfg.fail(fmt.Errorf("flyscript: WithMemoryLimit(%d): a memory budget cannot be negative (0 means none)", bytes))
			return
		}
		cfg.memLimit = bytes
		cfg.memLimitSet = true
	}
}

// memoryLimit is the budget in force: WithMemoryLimit's, else the
// sandbox's default, else none.
func (c *config) memoryLimit() uint64 {
	switch {
	case c.memLimitSet:
		return uint64(c.memLimit)
	case c.sandbox:
		return DefaultSandboxMemoryLimit
	}
	return 0
}

// memoryError is the error of a run over its budget.
type memoryError struct {
	limit, used uint64
}

func (e *memoryError) Error() string {
	return fmt.Sprintf("memory limit exceeded: the run grew the heap by %s, past its budget of %s",
		formatBytes(e.used), formatBytes(e.limit))
}

func (e *memoryError) Is(target error) bool { return target == ErrMemoryLimit }

// formatBytes is "256 MiB", "1.5 GiB", "900 KiB".
func formatBytes(n uint64) string { return stdlib.FormatBytes(n) }

// memWatch is the budget of the run in progress.
type memWatch struct {
	limit uint64
	base  uint64 // heap in use when the run began
	peak  atomic.Uint64
}

// heapSamples are the runtime/metrics the watchdog reads: every heap
// object not yet swept (grows with garbage too), the live heap as of the
// last collection, and the bytes ever allocated.
var heapSamples = []string{heapMetric, "/gc/heap/live:bytes", "/gc/heap/allocs:bytes"}

// heapReading is one reading of heapSamples.
type heapReading struct{ inUse, live, allocs uint64 }

// readHeapAll reads heapSamples.
func readHeapAll() heapReading {
	s := make([]metrics.Sample, len(heapSamples))
	for i, name := range heapSamples {
		s[i].Name = name
	}
	metrics.Read(s)
	var v [3]uint64
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			v[i] = s[i].Value.Uint64()
		}
	}
	return heapReading{inUse: v[0], live: v[1], allocs: v[2]}
}

// readHeap returns the heap objects in use and the live heap.
func readHeap() (inUse, live uint64) {
	r := readHeapAll()
	return r.inUse, r.live
}

// liveAfterGC collects and returns the live heap. What the program
// allocated while the collector was marking counts as live in that
// cycle; it is taken off, so that the figure is a floor that garbage
// does not inflate (growth that stays is seen at the next reading).
func liveAfterGC() uint64 {
	before := readHeapAll()
	runtime.GC()
	after := readHeapAll()
	during := after.allocs - before.allocs
	if after.live <= during {
		return 0
	}
	return after.live - during
}

// The live heap after a forced collection is the process's, the same for
// every watchdog: runs going at once share one collection every
// minForcedGC rather than each forcing its own (runs over their budget in
// garbage forced as many collections of the whole heap as there were
// runs).
var forcedGC struct {
	sync.Mutex
	at   time.Time // when the last one ended
	live uint64    // what liveAfterGC found then
}

// sharedLiveAfterGC is liveAfterGC, or the reading of a collection forced
// less than minForcedGC ago by any watchdog.
func sharedLiveAfterGC() uint64 {
	forcedGC.Lock()
	defer forcedGC.Unlock()
	if !forcedGC.at.IsZero() && time.Since(forcedGC.at) < minForcedGC {
		return forcedGC.live
	}
	forcedGC.live = liveAfterGC()
	forcedGC.at = time.Now()
	return forcedGC.live
}

// used is how much the heap grew since the run began.
func (w *memWatch) used(inUse uint64) uint64 {
	if inUse <= w.base {
		return 0
	}
	return inUse - w.base
}

// remaining is how much the run may still allocate.
func (w *memWatch) remaining() uint64 {
	inUse, _ := readHeap()
	u := w.used(inUse)
	if u >= w.limit {
		return 0
	}
	return w.limit - u
}

// watchInterval is how often the watchdog reads the heap; minForcedGC is
// the least time between two collections it forces to tell live data from
// garbage.
const (
	watchInterval = 5 * time.Millisecond
	minForcedGC   = 50 * time.Millisecond
)

// watchMemory starts the watchdog of one run: when the heap has grown past
// the budget since the run began, and still has after a collection (so
// that garbage does not count), it cancels the run with a *memoryError.
// stop ends the watchdog and returns the highest growth it saw.
func (vm *VM) watchMemory(cancel context.CancelCauseFunc) (stop func() uint64) {
	limit := vm.cfg.memoryLimit()
	if limit == 0 {
		vm.mem = nil
		return func() uint64 { return 0 }
	}
	inUse, _ := readHeap()
	w := &memWatch{limit: limit, base: inUse}
	vm.mem = w
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(watchInterval)
		defer t.Stop()
		var lastGC time.Time
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			inUse, _ := readHeap()
			u := w.used(inUse)
			if u > w.peak.Load() {
				w.peak.Store(u)
			}
			if u <= limit || time.Since(lastGC) < minForcedGC {
				continue
			}
			live := sharedLiveAfterGC()
			lastGC = time.Now()
			if lu := w.used(live); lu > limit {
				cancel(&memoryError{limit: limit, used: lu})
				return
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		vm.mem = nil
		return w.peak.Load()
	}
}

// largeAlloc is the size from which a function building a string or table
// at once checks it against the budget first.
const largeAlloc = 1 << 20

// checkAlloc raises a Lua error when fn is about to build size bytes and
// the run's budget has less than that left.
func (vm *VM) checkAlloc(L *lua.LState, fn string, size float64) {
	w := vm.mem
	if w == nil || size < largeAlloc {
		return
	}
	if rem := w.remaining(); size > float64(rem) {
		L.RaiseError("%s: the result would take %s, more than the %s left of the run's memory budget of %s",
			fn, formatBytes(uint64(min(size, 1<<62))), formatBytes(rem), formatBytes(w.limit))
	}
}

// room is what is left of the budget of the run in progress, or -1 when
// there is no budget (stdlib.Config.Room).
func (vm *VM) room() int64 {
	w := vm.mem
	if w == nil {
		return -1
	}
	return int64(min(w.remaining(), 1<<62))
}

// formatSize is an upper bound of what string.format builds: the format
// and every string argument (four times for %q, which may escape each
// byte as \ddd), and room for every other argument.
func formatSize(L *lua.LState) float64 {
	format := L.CheckString(1)
	per := 1.0
	if strings.Contains(format, "%q") {
		per = 4
	}
	size := float64(len(format))
	for i := 2; i <= L.GetTop(); i++ {
		if s, ok := L.Get(i).(lua.LString); ok {
			size += per * float64(len(s))
		} else {
			size += 64
		}
	}
	return size
}

// boundAllocations wraps the functions that build a large string at once
// so that they check its size against the budget before building it.
func (vm *VM) boundAllocations() {
	L := vm.state
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		if rep, ok := str.RawGetString("rep").(*lua.LFunction); ok {
			str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
				s, n := L.CheckString(1), lua51.OptInteger(L, 2, 0) // rep raises the error of a bad n
				// Lua 5.1's string.rep(s, n) has no separator (5.2's third
				// argument): what follows n is ignored, as C Lua 5.1 does.
				L.SetTop(2)
				if n > 0 {
					vm.checkAlloc(L, "string.rep", float64(len(s))*float64(n))
				}
				return callInFrame(L, rep)
			}))
		}
		if format, ok := str.RawGetString("format").(*lua.LFunction); ok {
			str.RawSetString("format", L.NewFunction(func(L *lua.LState) int {
				if vm.mem != nil {
					vm.checkAlloc(L, "string.format", formatSize(L))
				}
				return callInFrame(L, format)
			}))
		}
	}
	if tab, ok := L.GetGlobal("table").(*lua.LTable); ok {
		if concat, ok := tab.RawGetString("concat").(*lua.LFunction); ok {
			tab.RawSetString("concat", L.NewFunction(func(L *lua.LState) int {
				if t, ok := L.Get(1).(*lua.LTable); ok && vm.mem != nil {
					vm.checkAlloc(L, "table.concat", concatSize(L, t))
				}
				return callInFrame(L, concat)
			}))
		}
	}
}

// callInFrame runs fn, a library function a wrapper replaces, with the
// wrapper's arguments: a Go function in the wrapper's own call frame, so
// that its errors name and locate the function as the script called it
// (see internal/lua51's library errors); a Lua function through
// callForward.
func callInFrame(L *lua.LState, fn *lua.LFunction) int {
	if fn.IsG {
		return fn.GFunction(L)
	}
	return callForward(L, fn)
}

// concatSize is the length table.concat(t, sep, i, j) would produce, from
// the arguments on L's stack (strings and numbers counted as written).
func concatSize(L *lua.LState, t *lua.LTable) float64 {
	sep := L.OptString(2, "")
	i := int(lua51.OptInteger(L, 3, 1))
	j := int(lua51.OptInteger(L, 4, int64(t.Len())))
	if j < i {
		return 0
	}
	size := float64(len(sep)) * float64(j-i)
	for k := i; k <= j; k++ {
		switch v := t.RawGetInt(k).(type) {
		case lua.LString:
			size += float64(len(v))
		case lua.LNumber:
			size += float64(len(v.String()))
		}
		if k-i > 1<<24 { // a sequence this long is checked well enough by now
			break
		}
	}
	return size
}
