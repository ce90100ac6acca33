package flyscript

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Functions that build a large string at once check it against the
// budget first: string.rep("x", 1e10) would end the host.
//
// The memory tests do not run in parallel: the budget is read on the
// process's heap, which other tests would grow meanwhile.
func TestMemoryLimitRefusesLargeAllocations(t *testing.T) {
	vm, _, _ := newVM(t, WithMemoryLimit(64<<20))
	cases := map[string]string{
		`string.rep("x", 1e10)`: "string.rep: the result would take 9.3 GiB, more than the",
		`("ab"):rep(1e9, ",")`:  "string.rep: the result would take 1.9 GiB", // Lua 5.1 has no separator
		`local s, t = ("x"):rep(1e6), {} for i = 1, 100 do t[i] = s end return table.concat(t, ",")`: "table.concat: the result would take 95.4 MiB",
		// Each of these built its result in one allocation past any budget
		// (a host with little memory died with Go's fatal out of memory).
		`local s = ("x"):rep(2^24) return string.format(("%s"):rep(10), s, s, s, s, s, s, s, s, s, s)`: "string.format: the result would take 160 MiB",
		`local s = ("x"):rep(2^24) return ("%q"):format(s)`:                                            "string.format: the result would take 64 MiB",
		`local s = ("x"):rep(2^24) return s .. s .. s .. s .. s`:                                       "concatenation: the result would take 80 MiB",
		`return loadstring(("x=1 "):rep(2^18))`:                                                        "loadstring: the result would take 115 MiB",
	}
	for src, want := range cases {
		_, err := vm.Eval(t.Context(), src)
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), want, src)
		assert.Contains(t, err.Error(), "of the run's memory budget of 64 MiB", src)
	}
	for src, want := range map[string]string{
		`local s = ("x"):rep(2^24) return json.encode({s, s, s, s, s})`: "json.encode: the JSON would take more than the",
	} {
		_, err := vm.Eval(t.Context(), src)
		require.Error(t, err, src)
		assert.Contains(t, err.Error(), want, src)
		assert.Contains(t, err.Error(), "left of the run's memory budget", src)
	}
	got, err := vm.Eval(t.Context(), `local s = ("x"):rep(2^24) return inspect({s, s, s, s, s})`)
	require.NoError(t, err)
	assert.Equal(t, []any{"{ <string of 16777216 bytes>, ... }"}, got, "inspect shows what fits")
	// Below the budget they work.
	got, err = vm.Eval(t.Context(), `#string.rep("x", 2^20) + #table.concat({("y"):rep(2^20), "z"}) + #string.format("%s", ("x"):rep(2^20)) + #json.encode({("x"):rep(2^20)}) - 2^20 - 2`)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(3<<20 + 3)}, got)
}

// A chunk too large to compile within the budget is refused before it is
// compiled (the compiler runs in one go, before the watchdog and outside
// the run's context): the runner's own script, and a file loaded from Lua.
func TestMemoryLimitRefusesHugeChunks(t *testing.T) {
	vm, _, _ := newVM(t, WithMemoryLimit(16<<20))
	huge := []byte(strings.Repeat("x = 1 ", 100_000)) // 600 KB: about 66 MiB to compile
	err := vm.RunSource(t.Context(), "huge.lua", huge)
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Equal(t, "huge.lua: compiling 585.9 KiB of source would take about 65.8 MiB, more than the run's memory budget of 16 MiB", err.Error())

	path := writeFile(t, t.TempDir(), "huge.lua", string(huge))
	vals, err := vm.Eval(t.Context(), `select(2, pcall(dofile, "`+path+`"))`)
	require.NoError(t, err)
	require.Len(t, vals, 1)
	assert.Contains(t, vals[0], "compiling "+path+": the result would take 65.8 MiB")

	// Eval's chunk too (it was compiled whatever its size).
	_, err = vm.Eval(t.Context(), string(huge))
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Equal(t, "eval: compiling 585.9 KiB of source would take about 65.8 MiB, more than the run's memory budget of 16 MiB", err.Error())

	// Within the budget a chunk compiles and runs.
	require.NoError(t, vm.RunSource(t.Context(), "small.lua", huge[:60_000]))
	_, err = vm.Eval(t.Context(), string(huge[:60_000]))
	require.NoError(t, err)
}

// A script whose memory grows step by step is ended by the watchdog with
// ErrMemoryLimit, before the host runs out.
func TestMemoryLimitWatchdog(t *testing.T) {
	const limit = 64 << 20
	vm, _, _ := newVM(t, WithMemoryLimit(limit))
	start := time.Now()
	err := vm.RunSource(t.Context(), "grow.lua", []byte(`local t = {}
for i = 1, 1e9 do t[i] = ("x"):rep(10000) .. i end`))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, ErrMemoryLimit)
	assert.Regexp(t, `^grow.lua:2: memory limit exceeded: the run grew the heap by \d+(\.\d)? MiB, past its budget of 64 MiB$`, se.Message)
	peak := vm.MemoryPeak()
	t.Logf("stopped after %v; peak growth %s of %s", time.Since(start).Round(time.Millisecond), formatBytes(peak), formatBytes(limit))
	assert.Greater(t, peak, uint64(limit), "stopped past the budget, not before")
	// The heap is read every 5 ms: on a loaded machine the script may get
	// a few hundred MiB further before the watchdog runs (3x failed there).
	assert.Less(t, peak, uint64(8*limit), "and not far past it")

	// The VM is usable afterwards, and the next run has its own budget.
	got, err := vm.Eval(t.Context(), `1 + 1`)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2)}, got)
}

// Garbage does not count: a loop allocating far more than the budget in
// short-lived strings runs to its end. The host holds 64 MB of live data,
// so that the collector lets about as much garbage pile up between two
// collections: judged on the heap in use, the run would be stopped.
func TestMemoryLimitIgnoresGarbage(t *testing.T) {
	ballast := make([]byte, 64<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	runtime.GC()
	vm, _, _ := newVM(t, WithMemoryLimit(16<<20))
	got, err := vm.Eval(t.Context(), `local n = 0
for i = 1, 1000 do local s = ("x"):rep(100000) .. i n = n + #s end
return n > 1e8`)
	require.NoError(t, err)
	assert.Equal(t, []any{true}, got)
	t.Logf("in use, garbage included, grew by up to %s under a budget of 16 MiB", formatBytes(vm.MemoryPeak()))
	assert.Greater(t, vm.MemoryPeak(), uint64(16<<20), "garbage went past the budget in the heap in use")
	runtime.KeepAlive(ballast)
}

func TestSandboxHasDefaultMemoryLimit(t *testing.T) {
	vm, _, _ := newVM(t, WithSandbox())
	_, err := vm.Eval(t.Context(), `string.rep("x", 1e9)`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "memory budget of 256 MiB")

	off, _, _ := newVM(t, WithSandbox(), WithMemoryLimit(0))
	assert.Zero(t, off.cfg.memoryLimit())
	free, _, _ := newVM(t)
	assert.Zero(t, free.cfg.memoryLimit())

	// A negative budget is refused, not taken for none (which lifted the
	// sandbox's).
	_, err = New(WithSandbox(), WithMemoryLimit(-1))
	require.EqualError(t, err, "flyscript: WithMemoryLimit(-1): a memory budget cannot be negative (0 means none)")
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[uint64]string{
		900: "900 B", 1024: "1 KiB", 256 << 20: "256 MiB", 3 << 29: "1.5 GiB",
		1<<30 - 1: "1 GiB", 10003415040: "9.3 GiB",
	} {
		assert.Equal(t, want, formatBytes(n), "%d", n)
	}
}

// forcedGCs counts the collections forced with runtime.GC so far.
func forcedGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// Runs going at once over their budget in garbage share the watchdog's
// forced collections: 24 of them for 0.6 s forced 11 to 38 collections of
// the whole heap on a loaded 2-core machine (each watchdog one per
// minForcedGC), now at most one per minForcedGC (2 to 6 there).
// TestSharedLiveAfterGC checks the mechanism without timing.
func TestWatchdogsShareForcedCollections(t *testing.T) {
	ballast := make([]byte, 64<<20) // so that garbage piles up past the budgets
	for i := range ballast {
		ballast[i] = 1
	}
	runtime.GC()
	before := forcedGCs()
	start := time.Now()
	var wg sync.WaitGroup
	for range 24 {
		vm, _, _ := newVM(t, WithMemoryLimit(16<<20))
		wg.Go(func() {
			_, err := vm.Eval(t.Context(), `(function() local n, t0 = 0, time.now()
				while time.now() - t0 < 0.6 do local s = ("x"):rep(100000) .. n n = n + 1 end return n end)()`)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	forced := forcedGCs() - before
	t.Logf("%d forced collections in %v", forced, elapsed)
	assert.LessOrEqual(t, forced, uint64(elapsed/minForcedGC)+2)
	runtime.KeepAlive(ballast)
}

// Watchdogs asking at once get one collection (each forced its own).
func TestSharedLiveAfterGC(t *testing.T) {
	time.Sleep(minForcedGC) // no reading of an earlier test's to reuse
	before := forcedGCs()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() { sharedLiveAfterGC() })
	}
	wg.Wait()
	assert.LessOrEqual(t, forcedGCs()-before, uint64(2))
}

// Reading an endless input to its end is the budget's error, not the host
// running out of memory: io.read("*a"), loadfile and dofile of the standard
// input or of a device. Without a budget, loading stops at 128 MiB.
func TestEndlessInputsAreRefused(t *testing.T) {
	vm, _, _ := newVM(t, WithMemoryLimit(64<<20), WithStdin(endless{}))
	for src, want := range map[string]string{
		`return pcall(io.read, "*a")`:                             "read: the result would take",
		`return pcall(function() return io.stdin:read("*a") end)`: "read: the result would take",
		`return pcall(loadfile)`:                                  "compiling stdin: the result would take",
		`return pcall(dofile, "/dev/zero")`:                       "compiling /dev/zero: the result would take",
	} {
		vals, err := vm.Eval(t.Context(), src)
		require.NoError(t, err, src)
		require.Len(t, vals, 2, src)
		assert.Equal(t, false, vals[0], src)
		assert.Contains(t, vals[1], want, src)
	}

	unbounded, _, _ := newVM(t, WithMemoryLimit(0), WithStdin(endless{}))
	vals, err := unbounded.Eval(t.Context(), `return pcall(loadfile)`)
	require.NoError(t, err)
	require.Len(t, vals, 2)
	assert.Equal(t, []any{false, "compiling stdin: more than 128 MiB"}, vals)
}
