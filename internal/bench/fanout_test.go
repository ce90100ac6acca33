package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// Measurement 6's settings.
const (
	fanOutMachines    = 200
	fanOutConcurrency = 32
	fanOutLatency     = 20 * time.Millisecond
	fanOutCalls       = 2 * fanOutMachines // a create and a wait per machine
)

// fanOutScript creates n machines and waits for each to be started, in
// fly.parallel with the given concurrency, or in a plain loop when it is 1.
const fanOutScript = `
local n, conc = ...
local function one(i)
  local m = fly.machines.create{ region = "ord", config = { image = "nginx:1.27" } }
  fly.machines.wait(m.id, "started")
end
if conc > 1 then
  local items = {}
  for i = 1, n do items[i] = i end
  fly.parallel(items, one, { concurrency = conc })
else
  for i = 1, n do one(i) end
end
`

// BenchmarkFanOut is measurement 6: 200 machines created and waited to
// `started` by a script, in fly.parallel with concurrency 32
// (impl=parallel) and in a plain loop (impl=sequential). The simulator
// answers every request after 20 ms (sim.WithLatency(20ms, 0)), its machine
// transitions are instant (sim.InstantTimings: a machine is `started` in its
// create answer, so the wait returns at once) and its rate limits are off, as
// are the client's: the wall time is all request latency. Each iteration is
// one run of the script; x-ideal is its time over the ideal, calls x latency
// / concurrency (400 x 20 ms / 32 = 250 ms; 8 s sequentially), and calls/op
// counts the HTTP attempts the client made and ms/call their mean duration.
// impl=go is the same work in Go, 32 goroutines calling the client, for the
// floor this machine reaches. Targets: parallel <= 1.25x ideal
// and >= 20x faster than sequential.
func BenchmarkFanOut(b *testing.B) {
	srv := startSim(b, sim.WithLatency(fanOutLatency, 0))
	var calls, spent atomic.Int64
	c := newClient(b, srv.URL, client.WithObserver(func(ci client.CallInfo) {
		calls.Add(1)
		spent.Add(int64(ci.Duration))
	}))
	fleet(b, c, 0)
	for _, impl := range []struct {
		name string
		conc int
		run  func(b *testing.B)
	}{
		{"impl=sequential", 1, nil},
		{"impl=go", fanOutConcurrency, func(b *testing.B) { fanOutGo(b, c) }},
		{"impl=parallel", fanOutConcurrency, nil},
	} {
		b.Run(impl.name, func(b *testing.B) {
			run := impl.run
			if run == nil {
				vm := newVM(b, c)
				run = func(b *testing.B) {
					runLua(b, vm, fanOutScript, lua.LNumber(fanOutMachines), lua.LNumber(impl.conc))
				}
			}
			calls.Store(0)
			spent.Store(0)
			for b.Loop() {
				run(b)
			}
			ideal := time.Duration(fanOutCalls) * fanOutLatency / time.Duration(impl.conc)
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(calls.Load())/float64(b.N), "calls/op")
			b.ReportMetric(float64(spent.Load())/float64(calls.Load())/1e6, "ms/call")
			b.ReportMetric(float64(ideal.Milliseconds()), "ideal-ms")
			b.ReportMetric(float64(perOp)/float64(ideal), "x-ideal")
		})
	}
}

// fanOutGo is the fan-out in Go: fanOutConcurrency goroutines take the
// machines from a channel and create and wait for each with the client.
func fanOutGo(b *testing.B, c *client.Client) {
	ctx := context.Background()
	work := make(chan int)
	errs := make(chan error, fanOutConcurrency)
	var wg sync.WaitGroup
	for range fanOutConcurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				m, err := c.Machines.Create(ctx, benchApp, &client.CreateMachineRequest{
					Region: "ord", Config: &client.MachineConfig{Image: "nginx:1.27"}})
				if err == nil {
					_, err = c.Machines.Wait(ctx, benchApp, m.ID, &client.WaitOptions{States: []string{"started"}})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range fanOutMachines {
		select {
		case work <- i:
		case err := <-errs:
			close(work)
			b.Fatal(err)
		}
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
}

// Measurement 7's settings.
const (
	pacedMachines = 30
	// pacedFloor is the least time the simulator's documented limit on
	// Create Machine (1 request/s per app, bursts of 3) lets 30 creates take:
	// 3 at once, then one a second.
	pacedFloor = (pacedMachines - 3) * time.Second
)

// pacedScript creates n machines in one app from n tasks at once.
const pacedScript = `
local n = ...
local items = {}
for i = 1, n do items[i] = i end
local ms = fly.parallel(items, function(i)
  return fly.machines.create{ region = "ord", config = { image = "nginx:1.27" } }
end, { concurrency = n })
assert(#ms == n)
`

// BenchmarkPacedFanOut is measurement 7: 30 machines created in one app by
// 30 fly.parallel tasks against a simulator whose documented rate limits are
// on (sim.WithRateLimits(true)), through a client with its default rate
// limits. Each iteration gets a fresh simulator, so that its buckets start
// full. x-floor is the wall time over the rate-limit floor (27 s: a burst of
// 3, then 1 create/s); 429s/op counts the 429 answers the client saw (none
// may reach the script: it fails on any error).
func BenchmarkPacedFanOut(b *testing.B) {
	var tooMany atomic.Int64
	for b.Loop() {
		b.StopTimer()
		srv := startSim(b, sim.WithRateLimits(true))
		c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken(benchToken),
			client.WithObserver(func(ci client.CallInfo) {
				if ci.StatusCode == 429 {
					tooMany.Add(1)
				}
			}))
		if err != nil {
			b.Fatal(err)
		}
		fleet(b, c, 0)
		vm := newVM(b, c)
		b.StartTimer()
		runLua(b, vm, pacedScript, lua.LNumber(pacedMachines))
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(pacedFloor.Seconds(), "floor-s")
	b.ReportMetric(float64(perOp)/float64(pacedFloor), "x-floor")
	b.ReportMetric(float64(tooMany.Load())/float64(b.N), "429s/op")
}
