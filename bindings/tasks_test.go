package bindings

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
	"go.uber.org/goleak"

	"github.com/flyscript/flyscript/client"
	flylua "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/sim"
	"github.com/flyscript/flyscript/stdlib"
)

// taskVM is a VM on a simulator with the given options, with the app
// "tasks-app" and n machines created (no app when n < 0).
func taskVM(t *testing.T, n int, simOpts []sim.Option, clientOpts ...client.Option) (*lua.LState, *Fly, *strings.Builder) {
	srv := startSim(t, simOpts...)
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}))
	L.SetGlobal("error", L.NewFunction(luadiag.Error)) // the VM's error (internal/lua51), with the Lua 5.1 levels the embedded modules count on
	flylua.Preload(L)
	var stderr strings.Builder
	f, err := Open(L, Config{Client: newTestClient(t, srv.URL, clientOpts...), App: "tasks-app", Stderr: &stderr})
	require.NoError(t, err)
	if n < 0 {
		return L, f, &stderr
	}
	c := newTestClient(t, srv.URL)
	_, err = c.Apps.Create(context.Background(), &client.CreateAppRequest{Name: "tasks-app", OrgSlug: "personal"})
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		_, err := c.Machines.Create(context.Background(), "tasks-app", &client.CreateMachineRequest{Region: "ord", Config: &client.MachineConfig{Image: "nginx"}})
		require.NoError(t, err)
	}
	return L, f, &stderr
}

func TestSpawnAndWait(t *testing.T) {
	noLeaks(t)
	L, _, _ := taskVM(t, 3, nil)
	require.NoError(t, L.DoString(`
		local t = require("assert")
		local task = fly.spawn(function(a, b)
			local ms = fly.machines.list()
			return #ms, a + b
		end, 1, 2)
		t.equal(tostring(task):match("^<task %d+ %a+>$") ~= nil, true, tostring(task))
		local n, sum = task:wait()
		t.equal(n, 3)
		t.equal(sum, 3)
		t.equal(select("#", task:wait()), 2, "wait again gives the same results")

		-- errors: raised by wait, caught by pcall inside the task
		local failing = fly.spawn(function() return fly.machines.get("nope") end)
		local ok, err = pcall(failing.wait, failing)
		t.equal(ok, false)
		t.equal(err.code, "not_found")
		t.equal(err.op, "fly.machines.get")
		local caught = fly.spawn(function()
			local ok, err = pcall(fly.machines.get, "nope")
			local ok2, err2 = pcall(function() error("plain") end)
			return ok, err.status, ok2, err2
		end)
		local a, b, c, d = caught:wait()
		t.equal(a, false)
		t.equal(b, 404)
		t.equal(c, false)
		t.equal(d:find("plain") ~= nil, true)

		-- nesting: a task that spawns and waits for tasks
		local outer = fly.spawn(function()
			local inner = {}
			for i = 1, 3 do inner[i] = fly.spawn(function() return #fly.machines.list() * i end) end
			local total = 0
			for i = 1, 3 do total = total + inner[i]:wait() end
			return total
		end)
		t.equal(outer:wait(), 18)

		-- time.sleep and coroutine.yield inside tasks let the others run
		local order = {}
		local s1 = fly.spawn(function() time.sleep(0.02); order[#order + 1] = "slow" end)
		local s2 = fly.spawn(function() coroutine.yield(); order[#order + 1] = "fast" end)
		s1:wait(); s2:wait()
		t.equal(table.concat(order, ","), "fast,slow")

		-- leases.with inside a task
		local id = fly.machines.list()[1].id
		fly.spawn(function()
			fly.leases.with(id, function() fly.machines.stop(id) end)
		end):wait()
	`))
}

func TestParallel(t *testing.T) {
	noLeaks(t)
	L, _, _ := taskVM(t, 5, nil)
	require.NoError(t, L.DoString(`
		local t = require("assert")
		local ms = fly.machines.list()
		local ids = fly.parallel(ms, function(m, i)
			if i % 2 == 0 then time.sleep(0.01) end
			return fly.machines.get(m.id).id
		end, { concurrency = 2 })
		t.equal(#ids, 5)
		for i, m in ipairs(ms) do t.equal(ids[i], m.id, "results in item order") end

		-- a failure raises one error with every item's error, after the others finish
		local done = 0
		local ok, err = pcall(fly.parallel, { "a", "b", "c" }, function(x, i)
			if x ~= "b" then
				fly.machines.get("missing-" .. x)
			end
			done = done + 1
			return x
		end)
		t.equal(ok, false)
		t.equal(done, 1)
		t.equal(err.op, "fly.parallel")
		t.equal(err.code, "not_found")
		t.equal(err.errors[1].code, "not_found")
		t.equal(err.errors[2], nil)
		t.equal(err.errors[3].op, "fly.machines.get")
		t.equal(tostring(err):find("fly.parallel: not_found: 2 of 3 items failed\n  item 1: <string>:15: fly.machines.get: 404", 1, true) ~= nil, true, tostring(err))
		t.equal(tostring(err):find("\n  item 3: <string>:15: fly.machines.get: 404", 1, true) ~= nil, true, tostring(err))

		-- collect: results and errors instead of raising
		local results, errors = fly.parallel({ 1, 2, 3 }, function(x)
			if x == 2 then error("two") end
			return x * 10
		end, { collect = true })
		t.equal(results[1], 10)
		t.equal(results[2], nil)
		t.equal(results[3], 30)
		t.equal(errors[2]:find("two") ~= nil, true)

		-- nested parallel
		local sums = fly.parallel({ 1, 2 }, function(x)
			local inner = fly.parallel({ 1, 2, 3 }, function(y) return #fly.machines.list() + x * y end)
			return inner[1] + inner[2] + inner[3]
		end)
		t.equal(sums[1], 21)
		t.equal(sums[2], 27)

		-- options are checked
		local ok2, err2 = pcall(fly.parallel, {}, function() end, { concurency = 2 })
		t.equal(err2.message, 'concurency: unknown field (did you mean "concurrency"?)')
		ok2, err2 = pcall(fly.parallel, {}, function() end, { concurrency = 0 })
		t.equal(err2.code, "invalid_argument")
		ok2, err2 = pcall(fly.parallel, nil, function() end)
		t.equal(err2:find("bad argument #1 to 'fly.parallel' %(table expected, got nil%)") ~= nil, true, err2)
		t.equal(#fly.parallel({}, function() end), 0)
	`))
}

// 50 tasks of 2 calls each take about the time of 2 calls, not 100.
func TestParallelOverlapsCalls(t *testing.T) {
	const latency = 20 * time.Millisecond
	L, _, _ := taskVM(t, 1, []sim.Option{sim.WithLatency(latency, 0)})
	begin := time.Now()
	require.NoError(t, L.DoString(`
		local items = {}
		for i = 1, 50 do items[i] = i end
		local id = fly.machines.list()[1].id
		local r = fly.parallel(items, function(i)
			fly.machines.get(id)
			return fly.machines.get(id).id
		end, { concurrency = 50 })
		assert(#r == 50)
	`))
	sequential := 101 * latency // the list and 100 gets, one after another
	assert.Less(t, time.Since(begin), sequential/3)
}

// Cancelling the context ends the tasks and the requests in flight.
func TestParallelCancellation(t *testing.T) {
	noLeaks(t)
	clk := sim.NewFakeClock(time.Unix(1e9, 0))
	L, _, _ := taskVM(t, -1, []sim.Option{sim.WithClock(clk), sim.WithLatency(time.Hour, 0)})
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() {
		clk.BlockUntil(4) // four requests held by the latency
		cancel()
	}()
	got := runErr(L, `fly.parallel({1, 2, 3, 4}, function() return fly.apps.get("tasks-app") end)`)
	// Whichever notices first reports it: the scheduler waiting for the
	// tasks ("fly.parallel: canceled") or the VM between two instructions
	// of fly.parallel's Lua code ("... context canceled").
	assert.Regexp(t, `^(fly\.parallel: canceled|lua/fly/tasks\.lua:\d+: context canceled)$`, got)
}

// The client's rate limits apply across tasks: creates in one app are paced
// and never draw a 429 from the simulator with its limits on (1/s, bursts
// of 3: five creates take two seconds of real time, in parallel with the
// other tests; without pacing two of them fail, as the client here does
// not retry).
func TestParallelPacing(t *testing.T) {
	t.Parallel()
	L, _, _ := taskVM(t, 0, []sim.Option{sim.WithRateLimits(true)}, client.WithRateLimits(client.DefaultRateLimits()))
	require.Equal(t, "", runErr(L, `
		local ms = fly.parallel({1, 2, 3, 4, 5}, function(i)
			return fly.machines.create{ region = "ord", config = { image = "nginx" } }
		end, { concurrency = 5 })
		assert(#ms == 5)
	`))
}

// A progress bar is drawn on stderr only when asked and stderr is a terminal.
func TestParallelProgress(t *testing.T) {
	L, f, stderr := taskVM(t, 0, nil)
	require.NoError(t, L.DoString(`fly.parallel({1, 2}, function(x) return x end, { progress = "work" })`))
	assert.Empty(t, stderr.String(), "not a terminal")
	f.progress = true
	require.NoError(t, L.DoString(`fly.parallel({1, 2}, function(x) return x end, { progress = "work" })`))
	assert.Contains(t, stderr.String(), "work")
}

// noLeaks checks, after the test's other cleanups (the simulator's), that
// the test left no goroutine behind.
func noLeaks(t *testing.T) {
	opt := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, opt) })
}

// TestCreatedAppStandsInForTheApp checks that the record fly.apps.create
// returns carries the app's name, in and out of tasks, so that it stands in
// for the app like other records.
func TestCreatedAppStandsInForTheApp(t *testing.T) {
	L, _, _ := taskVM(t, -1, nil)
	require.NoError(t, L.DoString(`
		local a = fly.apps.create{ name = "made-here" }
		assert(a.name == "made-here", tostring(a.name))
		assert(fly.use(a).name == "made-here")
		assert(fly.apps.exists(a))
		local b = fly.spawn(function() return fly.apps.create{ name = "made-in-task" } end):wait()
		assert(b.name == "made-in-task", tostring(b.name))
		fly.apps.destroy(b)
		assert(not fly.apps.exists("made-in-task"))
	`))
}
