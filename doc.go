// Package flyscript embeds flyscript's Lua runtime in a Go program: a Lua
// 5.1 VM (gopher-lua) with the `fly` module for the Fly.io Machines API,
// the host modules json, time, log, env, crypto, base64 and hex, and the
// global inspect.
//
// # Running scripts
//
// New builds a VM from options; Run runs a script file, RunSource a script
// given as text, RunReader one read from a stream (stdin), Eval a chunk
// whose values come back as Go values:
//
//	c, err := client.FromEnv()                    // or client.New(client.WithToken(...))
//	vm, err := flyscript.New(
//		flyscript.WithClient(c),
//		flyscript.WithApp("web"),
//		flyscript.WithStdout(os.Stdout),
//		flyscript.WithStderr(os.Stderr),
//	)
//	defer vm.Close()
//	err = vm.Run(ctx, "deploy.lua", "nginx:1.27")
//	vals, err := vm.Eval(ctx, `#fly.machines.list()`) // []any{int64(3)}
//
// Scripts see their arguments as the global `arg` (arg[0] is the script) and
// as `...`, like the lua command; a first line starting with "#" is skipped;
// require also searches the script's folder. Returned gives what the last
// Run or RunSource returned.
//
// To run against the simulator (package sim) instead of Fly.io, give the
// VM a client of one started in the process (ExampleWithClient_simulator):
//
//	srv, err := sim.Start()
//	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"))
//	vm, err := flyscript.New(flyscript.WithClient(c))
//
// Without WithClient every `fly` call fails with an error saying so. A
// client is safe for concurrent use and keeps a pool of connections: share
// one between VMs, and call its CloseIdleConnections when done with it.
//
// # Context and cancellation
//
// Every call takes a context. The VM passes it to every HTTP call the
// script makes, and gopher-lua checks it between instructions, so that
// cancelling it (or its deadline) aborts the call in flight and stops the
// script, even in an endless loop. The error then wraps ctx's error:
// errors.Is(err, context.Canceled).
//
// # Errors
//
// A script that fails returns a *ScriptError. Its Error() is the Lua error
// value through tostring, so the `fly` module's error tables read as one
// line ("fly.machines.start: 412 failed_precondition: ... (request ...)")
// and never as "table: 0x...", preceded by the file:line it was raised at.
// Hint, Traceback and Value (the error value as Go, a map with op, status,
// code, message, request_id, hint and retryable for API errors) give more.
//
// os.exit ends the script, never the host process, in every VM: os.exit(0)
// (or os.exit(), os.exit(true)) returns nil, another code an *ExitError.
// VM.Exited tells an os.exit(0) from reaching the end; ExitCode maps any of
// these errors to a process exit status.
//
// # Exposing Go values
//
// Expose makes a Go value a global through gopher-luar: a struct pointer's
// exported methods and fields, a function, a map. It is how a host gives
// scripts its own capabilities:
//
//	vm.Expose("deployer", &Deployer{...}) // deployer:Deploy("nginx") in Lua
//
// An error a method or function returns reaches Lua as its message (a
// string; nil when there was none): local id, err = deployer:Deploy(x). A
// first parameter of type context.Context receives the running call's
// context (its deadline, Close), and scripts leave it out:
// deployer:Deploy(x) for Deploy(ctx, x).
//
// # Sandbox
//
// WithSandbox builds a VM for scripts not trusted with the host: no io
// library, no os.execute, os.remove, os.rename, os.tmpname or os.setenv, no
// loadfile, dofile or debug library, require of preloaded modules only, no
// string.dump, no binary chunks, and no environment variables unless given
// with WithEnv. Each of these raises "... is not available in the sandbox".
// The sandbox bounds memory (DefaultSandboxMemoryLimit unless
// WithMemoryLimit says otherwise) but not time: give Run a context with a
// deadline. A VM is one trust boundary: give each untrusted script a VM of
// its own (Example_untrusted). What the `fly` module may do is the client's token's business:
// give sandboxed scripts a token scoped to what they may touch.
//
// # Plan mode
//
// A Planner runs scripts against a shadow of the real fleet: its Client
// sends the first read of each resource to the API and every change to an
// in-process simulator seeded with what was read, and Plan returns what the
// script would have changed, in order, with config diffs:
//
//	p, err := flyscript.NewPlanner("", nil)
//	c, err := p.Client(client.WithToken(token))
//	vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithApp("web"))
//	err = vm.Run(ctx, "deploy.lua")
//	fmt.Println(p.Plan().Summary()) // Plan: 3 updates, 1 stop, 1 create.
//
// # Goroutines
//
// A VM runs one call at a time; a call made while another is running on
// the same VM returns ErrBusy. Its methods may be called from any
// goroutine: Close during a call stops the script and releases the VM as
// the call returns (with an error matching ErrClosed), and App, Exited,
// Returned and MemoryPeak report the last call that finished. Run scripts
// concurrently with one VM per goroutine, or a pool of VMs (see the Server
// example). A VM keeps
// its globals, loaded modules and the app chosen by fly.use from one call to
// the next; scripts served from a pool should keep their state in locals.
package flyscript
