package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/sim"
)

// benchApp is the app every fleet lives in.
const benchApp = "bench"

// benchToken is sent to the simulator, which accepts any token.
const benchToken = "bench-token"

// startSim serves a simulator on loopback with instant transitions and its
// rate limits off, plus opts, and closes it when the benchmark ends.
func startSim(tb testing.TB, opts ...sim.Option) *sim.Running {
	tb.Helper()
	opts = append([]sim.Option{sim.WithTimings(sim.InstantTimings()), sim.WithRateLimits(false)}, opts...)
	srv, err := sim.Start(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	return srv
}

// newClient is a flyscript client of base with its rate limits off (unless
// opts turn them back on) and the default retry policy.
func newClient(tb testing.TB, base string, opts ...client.Option) *client.Client {
	tb.Helper()
	opts = append([]client.Option{client.WithBaseURL(base), client.WithToken(benchToken), client.WithoutRateLimits()}, opts...)
	c, err := client.New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// fleet creates app benchApp with n started machines and returns their ids.
func fleet(tb testing.TB, c *client.Client, n int) []string {
	tb.Helper()
	ctx := context.Background()
	if _, err := c.Apps.Create(ctx, &client.CreateAppRequest{Name: benchApp, OrgSlug: "personal"}); err != nil {
		tb.Fatal(err)
	}
	ids := make([]string, 0, n)
	for i := 0; i < n; i++ {
		m, err := c.Machines.Create(ctx, benchApp, machineRequest(i))
		if err != nil {
			tb.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

// machineRequest is a machine with a typical small configuration: an image,
// a guest, a service and a few environment variables and metadata.
func machineRequest(i int) *client.CreateMachineRequest {
	return &client.CreateMachineRequest{
		Region: "ord",
		Config: &client.MachineConfig{
			Image: "registry.fly.io/bench:deployment-01J8Z3",
			Env:   map[string]string{"N": fmt.Sprint(i), "PORT": "8080", "LOG_LEVEL": "info"},
			Guest: &client.MachineGuest{CPUKind: "shared", CPUs: 1, MemoryMB: 256},
			Metadata: map[string]string{
				"fly_process_group": "app", "fly_release_id": "rel-42", "fly_platform_version": "v2",
			},
			Services: []client.MachineService{{
				Protocol: "tcp", InternalPort: 8080,
				Ports: []client.MachinePort{{Port: 443, Handlers: []string{"tls", "http"}}},
			}},
		},
	}
}

// plainGet is a GET of url with the Authorization header the simulator wants,
// through hc; it returns the body of a 200.
func plainGet(hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	return body, nil
}

// plainHTTPClient is a net/http client with its own transport, keeping up
// to conns idle connections to the simulator.
func plainHTTPClient(conns int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = conns
	tr.MaxIdleConnsPerHost = conns
	return &http.Client{Transport: tr}
}

// newVM is a flyscript VM (fly and the host modules) whose fly module calls
// through c with benchApp as its default app.
func newVM(tb testing.TB, c *client.Client) *flyscript.VM {
	tb.Helper()
	vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithApp(benchApp))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(vm.Close)
	return vm
}

// runLua compiles src on vm as scripts are compiled (lua51.Load, with the
// Lua 5.1 rewrites) and calls it with args; it fails the benchmark on any
// error.
func runLua(tb testing.TB, vm *flyscript.VM, src string, args ...lua.LValue) []lua.LValue {
	tb.Helper()
	fn, err := lua51.Load(vm.LState(), []byte(src), "bench")
	if err != nil {
		tb.Fatal(err)
	}
	out, err := vm.Call(context.Background(), fn, args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// cannedTransport answers every request with the same 200 JSON body, so a
// client's conversion of a response can be measured without a network.
type cannedTransport struct{ body []byte }

// RoundTrip returns the canned body.
func (t cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Status:        "200 OK",
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       req,
	}, nil
}

// cpuTime starts counting the process's CPU time (user and system, every
// goroutine's: the simulator's and the garbage collector's too); the
// function it returns reports it per iteration as cpu-ns/op. Unlike ns/op
// it leaves out the time spent waiting for a CPU, so that a ratio of two
// implementations still means something on a loaded machine.
func cpuTime(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		end, _ := processCPU()
		if ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
