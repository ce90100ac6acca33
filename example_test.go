package flyscript_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// simulator starts an in-process Machines API simulator whose machines
// start at once, and a client for it that skips the client-side rate
// limits (the simulator has none by default). Real programs use
// client.FromEnv.
func simulator() (*client.Client, func()) {
	s := sim.New(sim.WithTimings(sim.InstantTimings()))
	srv := httptest.NewServer(s)
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithoutRateLimits())
	if err != nil {
		panic(err)
	}
	return c, func() { srv.Close(); s.Close() }
}

// A script that creates an app and a machine, run by a Go program.
func Example() {
	api, stop := simulator()
	defer stop()

	vm, err := flyscript.New(
		flyscript.WithClient(api),
		flyscript.WithApp("example"),
		flyscript.WithStdout(os.Stdout),
	)
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	err = vm.RunSource(context.Background(), "create.lua", []byte(`
fly.apps.create{ name = "example", org_slug = "personal" }
local m = fly.machines.create{ region = arg[1], config = { image = "nginx:1.27" } }
fly.machines.wait(m.id, "started")
print(#fly.machines.list(), fly.machines.get(m.id).state, m.region)
`), "ams")
	if err != nil {
		fmt.Println("error:", err)
	}
	// Output: 1	started	ams
}

// Eval returns the values of an expression as Go values.
func ExampleVM_Eval() {
	vm, err := flyscript.New()
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	vals, err := vm.Eval(context.Background(), `1 + 2, 0.5, "text", { "a", "b" }, { cpus = 1 }`)
	if err != nil {
		panic(err)
	}
	for _, v := range vals {
		fmt.Printf("%T %v\n", v, v)
	}
	// Output:
	// int64 3
	// float64 0.5
	// string text
	// []interface {} [a b]
	// map[string]interface {} map[cpus:1]
}

// Deployer is a capability a host gives its scripts.
type Deployer struct {
	Deployed []string
}

// Deploy records a deploy; scripts call it as deployer:Deploy(image).
func (d *Deployer) Deploy(image string) string {
	d.Deployed = append(d.Deployed, image)
	return "deployed " + image
}

// Expose hands a Go value to scripts through gopher-luar.
func ExampleVM_Expose() {
	vm, err := flyscript.New(flyscript.WithStdout(os.Stdout))
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	d := &Deployer{}
	if err := vm.Expose("deployer", d); err != nil {
		panic(err)
	}
	err = vm.RunSource(context.Background(), "deploy.lua", []byte(`print(deployer:Deploy("nginx:1.27"))`))
	if err != nil {
		panic(err)
	}
	fmt.Println(d.Deployed)
	// Output:
	// deployed nginx:1.27
	// [nginx:1.27]
}

// A failed API call comes back as a *ScriptError that reads like the `fly`
// module's error, with its fields in Value.
func ExampleScriptError() {
	api, stop := simulator()
	defer stop()
	vm, err := flyscript.New(flyscript.WithClient(api))
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	err = vm.RunSource(context.Background(), "get.lua", []byte(`fly.apps.get("no-such-app")`))
	var se *flyscript.ScriptError
	if errors.As(err, &se) {
		fields := se.Value.(map[string]any)
		fmt.Println(se.Where)
		fmt.Println(fields["op"], fields["status"], fields["code"])
	}
	// Output:
	// get.lua:1
	// fly.apps.get 404 not_found
}

// os.exit ends the script, not the program.
func ExampleExitError() {
	vm, err := flyscript.New()
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	err = vm.RunSource(context.Background(), "exit.lua", []byte(`os.exit(3)`))
	var exit *flyscript.ExitError
	fmt.Println(errors.As(err, &exit), exit.Code, flyscript.ExitCode(err))

	err = vm.RunSource(context.Background(), "exit.lua", []byte(`os.exit(0)`))
	code, exited := vm.Exited()
	fmt.Println(err, code, exited)
	// Output:
	// true 3 3
	// <nil> 0 true
}

// A sandboxed VM refuses to touch the host.
func ExampleWithSandbox() {
	vm, err := flyscript.New(flyscript.WithSandbox())
	if err != nil {
		panic(err)
	}
	defer vm.Close()

	for _, src := range []string{`io.open("/etc/passwd")`, `os.execute("ls")`, `require("some.file")`} {
		err := vm.RunSource(context.Background(), "untrusted.lua", []byte(src))
		first, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Println(first)
	}
	// Output:
	// untrusted.lua:1: io.open is not available in the sandbox
	// untrusted.lua:1: os.execute is not available in the sandbox
	// untrusted.lua:1: module some.file not found:
}

// Pool hands out VMs to one goroutine at a time. A channel of VMs is the
// simplest pool; sync.Pool would drop VMs under memory pressure, and a VM
// holds a whole Lua state worth keeping.
//
// A VM keeps whatever a script leaves in it (globals, the string
// metatable, package.loaded, fly.use's app), so a pool is for scripts of
// one trust domain, such as the host's own. Untrusted scripts each get a
// VM of their own (see Example_untrusted).
type Pool struct {
	vms chan *flyscript.VM
}

// NewPool builds n VMs with the same options.
func NewPool(n int, opts ...flyscript.Option) (*Pool, error) {
	p := &Pool{vms: make(chan *flyscript.VM, n)}
	for range n {
		vm, err := flyscript.New(opts...)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.vms <- vm
	}
	return p, nil
}

// Eval runs src on a free VM, waiting for one if all are busy.
func (p *Pool) Eval(ctx context.Context, src string) ([]any, error) {
	select {
	case vm := <-p.vms:
		defer func() { p.vms <- vm }()
		return vm.Eval(ctx, src)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close closes the VMs that are back in the pool.
func (p *Pool) Close() {
	for {
		select {
		case vm := <-p.vms:
			vm.Close()
		default:
			return
		}
	}
}

// A server runs many of its own scripts at once from a pool of VMs: each
// request borrows a VM, runs its script under the request's context and
// gives the VM back. Several goroutines share one API client, which is
// safe. The scripts are the server's: a pooled VM carries state from one
// use to the next, so scripts from users get a VM each (Example_untrusted).
func Example_server() {
	api, stop := simulator()
	defer stop()

	pool, err := NewPool(4, flyscript.WithClient(api))
	if err != nil {
		panic(err)
	}
	defer pool.Close()

	// What the handlers of an HTTP server would do, one goroutine each.
	apps := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}
	results := make([]string, len(apps))
	var wg sync.WaitGroup
	for i, name := range apps {
		wg.Go(func() {
			vals, err := pool.Eval(context.Background(), fmt.Sprintf(`(function()
				local app = fly.app(%q)
				fly.apps.create{ name = %[1]q, org_slug = "personal" }
				local m = app.machines.create{ region = "ord", config = { image = "nginx:1.27" } }
				app.machines.wait(m.id, "started")
				return #app.machines.list()
			end)()`, name))
			if err != nil {
				results[i] = name + ": " + err.Error()
				return
			}
			results[i] = fmt.Sprintf("%s: %d machine", name, vals[0])
		})
	}
	wg.Wait()
	sort.Strings(results)
	fmt.Println(strings.Join(results, "\n"))
	// Output:
	// alpha: 1 machine
	// bravo: 1 machine
	// charlie: 1 machine
	// delta: 1 machine
	// echo: 1 machine
	// foxtrot: 1 machine
}

// Each untrusted script gets a sandboxed VM of its own, closed after it: a
// VM is the trust boundary, and what one script leaves in it (here a
// wrapper planted in the string metatable to catch what later scripts
// write) must never meet another's data. A VM costs about 0.3 ms and
// 240 KB to build. The sandbox bounds memory; a deadline bounds time.
func Example_untrusted() {
	run := func(src string, env ...string) string {
		vm, err := flyscript.New(flyscript.WithSandbox(), flyscript.WithEnv(env))
		if err != nil {
			panic(err)
		}
		defer vm.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		vals, err := vm.Eval(ctx, src)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprint(vals...)
	}
	// A hostile request plants a trap, then comes back to read it.
	const plant = `local mt = getmetatable("")
		local real = mt.__index
		mt.__index = function(s, k) _G.caught = (_G.caught or "") .. s return real[k] end
		return "planted"`
	fmt.Println(run(plant))
	// Another user's request handles its secret with string methods.
	fmt.Println(run(`return (os.getenv("API_KEY"):upper():len())`, "API_KEY=s3cr3t-of-bob"))
	fmt.Println(run(`return tostring(caught)`))
	// A runaway request ends at its deadline.
	fmt.Println(run(`while true do end`))
	// Output:
	// planted
	// 13
	// nil
	// eval:1: context deadline exceeded
}

// A Go program runs a script against the simulator, started in the
// process: no token, no network.
func ExampleWithClient_simulator() {
	srv, err := sim.Start(sim.WithTimings(sim.InstantTimings()))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"))
	if err != nil {
		panic(err)
	}
	vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithStdout(os.Stdout))
	if err != nil {
		panic(err)
	}
	defer vm.Close()
	err = vm.RunSource(context.Background(), "demo.lua", []byte(`fly.apps.create{ name = "demo" } print(#fly.apps.list())`))
	if err != nil {
		fmt.Println("error:", err)
	}
	// Output: 1
}
