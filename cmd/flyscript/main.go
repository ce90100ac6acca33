// Command flyscript runs Lua automation scripts against the Fly Machines API,
// offers an interactive REPL, and serves a local simulator of the API.
//
// Exit status: 0 when the script succeeds, 1 when it fails (or the code it
// gave os.exit), 2 for a usage error, 124 when --timeout ran out, 130 when
// interrupted (SIGINT), 143 when terminated (SIGTERM), 129 on a hangup
// (SIGHUP); each of the three signals cancels the run the same way.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailure     = 1
	exitUsage       = 2
	exitTimeout     = 124 // --timeout ran out, as timeout(1) says it
	exitInterrupted = 130
)

func main() {
	client.Version = flyscript.Version() // the User-Agent's version
	// After the first signal has cancelled the script, a second one kills
	// the process the usual way.
	ctx, stop := signalContext(context.Background())
	go exitIfStuck(ctx, stopGrace, os.Stderr)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())
	stop()
	os.Exit(code)
}

// run is the whole CLI; tests call it in-process. Cancelling ctx is what
// SIGINT does: the script stops, its HTTP call in flight aborts, and run
// returns 130.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "sim":
			return simCommand(ctx, args[1:], stdout, stderr)
		case "defs":
			return defsCommand(ctx, args[1:], stdout, stderr)
		case "plan":
			return planCommand(ctx, args[1:], stdin, stdout, stderr, env)
		case "test":
			return testCommand(ctx, args[1:], stdout, stderr, env)
		case "version", "help":
			if len(args) == 2 && args[0] == "help" {
				switch args[1] {
				case "sim", "defs", "plan", "test": // flyscript help sim
					return run(ctx, []string{args[1], "-h"}, stdin, stdout, stderr, env)
				case "version", "help":
					args = []string{"help"}
				default:
					msg := fmt.Sprintf("no help for %q: the commands are sim, defs, plan and test", args[1])
					if s := nearestCommand(args[1]); s != "" {
						msg = fmt.Sprintf("no help for %q; did you mean %q?", args[1], "flyscript help "+s)
					}
					printUsageError(stderr, &usageError{msg: msg})
					return exitUsage
				}
			}
			if len(args) > 2 || (len(args) == 2 && args[0] == "version") {
				printUsageError(stderr, &usageError{msg: fmt.Sprintf("too many arguments to %q", "flyscript "+args[0])})
				return exitUsage
			}
			if len(args) == 1 { // no token, no simulator: nothing to run
				args = []string{"--" + args[0]}
			}
		}
	}
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	return c.main(ctx, args)
}

// cli is one invocation of the script runner.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            []string
	// simOptions and clientOptions are added to the in-process
	// simulator's and the API client's options (the tests use instant
	// transitions and short retry delays).
	simOptions    []sim.Option
	clientOptions []client.Option
	// plan, when set, puts the plan overlay between the client and the
	// API (`flyscript plan`); replPlan is the REPL's switch for `.plan`.
	plan     *planRun
	replPlan *planSwitch
}

func (c *cli) main(ctx context.Context, args []string) (status int) {
	getenv := lookupEnv(c.env)
	f, err := parseFlags(args)
	// Every byte goes through a redactor of every token in sight, the
	// usage errors included.
	red := newRedactor(f.token, getenv("FLY_API_TOKEN"), getenv("FLY_ACCESS_TOKEN"))
	stdout, stderr := red.Writer(c.stdout), red.Writer(c.stderr)
	if err != nil {
		printUsageError(stderr, err)
		return exitUsage
	}
	if f.help {
		_, _ = io.WriteString(stdout, usage)
		return exitOK
	}
	if f.version {
		_, _ = io.WriteString(stdout, versionText())
		return exitOK
	}
	s, err := resolve(f, getenv)
	if err != nil {
		var ue *usageError
		if errors.As(err, &ue) {
			printUsageError(stderr, err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "flyscript: %v\n", err)
		return exitUsage
	}
	if s.TokenSource == "~/.fly/config.yml" {
		red = newRedactor(f.token, getenv("FLY_API_TOKEN"), getenv("FLY_ACCESS_TOKEN"), s.Token)
		stdout, stderr = red.Writer(c.stdout), red.Writer(c.stderr)
	}

	replMode := f.interactive
	if f.script == "" && len(f.eval) == 0 && !f.interactive {
		if isTerminal(c.stdin) {
			replMode = true
		} else {
			f.script = "-"
		}
	}
	if msg, status, ok := checkScript(f.script); !ok {
		fmt.Fprintf(stderr, "flyscript: %s\n", msg)
		return status
	}
	if !s.Sim && s.Token == "" {
		msg := errNoToken.Error()
		if c.plan != nil { // the same suggestion, as a plan
			msg = strings.Replace(msg, "flyscript --sim script.lua", "flyscript plan --sim script.lua", 1)
		}
		fmt.Fprintf(stderr, "flyscript: %s\n", msg)
		return exitUsage
	}

	if replMode && c.plan == nil {
		c.replPlan = newPlanSwitch()
		c.replPlan.color = isTerminal(c.stdout) && getenv("NO_COLOR") == ""
	}
	api, closeAPI, err := c.client(s, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "flyscript: %v\n", err)
		return exitUsage
	}
	defer func() {
		// A state file that could not be written ends the run loudly.
		if err := closeAPI(); err != nil {
			fmt.Fprintf(stderr, "flyscript: %v\n", err)
			if status == exitOK {
				status = exitFailure
			}
		}
	}()

	runCtx := ctx
	if s.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, s.Timeout)
		defer cancel()
	}

	opts := []flyscript.Option{
		flyscript.WithClient(api),
		flyscript.WithApp(s.App),
		flyscript.WithStdout(stdout),
		flyscript.WithStderr(stderr),
		flyscript.WithStdin(c.stdin),
		flyscript.WithLogLevel(s.LogLevel),
		flyscript.WithEnv(scriptEnv(c.env, s)),
		flyscript.WithMemoryLimit(s.MaxMemory),
		flyscript.WithProgress(isTerminal(c.stderr)),
	}
	if s.Sandbox {
		opts = append(opts, flyscript.WithSandbox())
	}
	vm, err := flyscript.New(opts...)
	if err != nil {
		fmt.Fprintf(stderr, "flyscript: %v\n", err)
		return exitUsage
	}
	defer vm.Close()

	for _, code := range f.eval {
		if s.JSON {
			code = asExpression(code)
		}
		err := vm.RunSource(runCtx, "(command line)", []byte(code), f.args...)
		if done, status := c.finish(ctx, runCtx, s, vm, err, stdout, stderr); done {
			return status
		}
	}
	if f.script != "" {
		var err error
		if f.script == "-" {
			// Read within the run's context and budget: Ctrl-C stops a
			// pipe that sends nothing, an endless one is cut off.
			err = vm.RunReader(runCtx, "stdin", c.stdin, f.args...)
		} else {
			err = vm.Run(runCtx, f.script, f.args...)
		}
		if done, status := c.finish(ctx, runCtx, s, vm, err, stdout, stderr); done {
			return status
		}
	}
	if replMode {
		return interactive(ctx, vm, s, c.stdin, stdout, stderr, c.env, c.replPlan)
	}
	return exitOK
}

// finish reports the outcome of one chunk, and with --json prints what it
// returned. done is true when the command must stop here: a failure, an
// interruption or os.exit.
func (c *cli) finish(ctx, runCtx context.Context, s settings, vm *flyscript.VM, err error, stdout, stderr io.Writer) (done bool, status int) {
	if _, exited := vm.Exited(); exited {
		return true, flyscript.ExitCode(err)
	}
	if err == nil {
		if s.JSON {
			if err := printJSON(stdout, vm.Returned()); err != nil {
				fmt.Fprintf(stderr, "flyscript: --json: %v\n", err)
				return true, exitFailure
			}
		}
		return false, exitOK
	}
	if ctx.Err() != nil {
		msg, status := interruption(ctx)
		fmt.Fprintln(stderr, msg)
		return true, status
	}
	if errors.Is(runCtx.Err(), context.DeadlineExceeded) {
		fmt.Fprintf(stderr, "flyscript: timed out after %v\n", s.Timeout)
		printTrace(stderr, err)
		return true, exitTimeout
	}
	printScriptError(stderr, err)
	return true, exitFailure
}

// printScriptError prints a script's error the way lua.c does, with the
// hint of the `fly` module's errors on its own line.
func printScriptError(w io.Writer, err error) {
	var se *flyscript.ScriptError
	if !errors.As(err, &se) {
		fmt.Fprintf(w, "flyscript: %v\n", err)
		return
	}
	fmt.Fprintf(w, "flyscript: %s\n", se.Message)
	if se.Hint != "" && !strings.Contains(se.Message, se.Hint) {
		fmt.Fprintf(w, "hint: %s\n", se.Hint)
	}
	printTrace(w, err)
}

func printTrace(w io.Writer, err error) {
	var se *flyscript.ScriptError
	if errors.As(err, &se) && se.Traceback != "" {
		fmt.Fprintln(w, se.Traceback)
	}
}

// client builds the API client: the in-process simulator with --sim,
// the real API otherwise. close releases the simulator and reports a state
// file it could not write.
func (c *cli) client(s settings, stderr io.Writer) (*client.Client, func() error, error) {
	opts := append([]client.Option{}, c.clientOptions...)
	if s.Trace {
		opts = append(opts, client.WithObserver(newTracer(stderr)), client.WithPaceObserver(newPaceTracer(stderr)))
	}
	if !s.RateLimits {
		opts = append(opts, client.WithoutRateLimits())
	}
	base, closeSim := s.APIURL, func() error { return nil }
	if s.Sim {
		simOpts := append([]sim.Option{}, c.simOptions...)
		if !s.RateLimits {
			simOpts = append(simOpts, sim.WithRateLimits(false))
		}
		if s.SimState != "" {
			simOpts = append(simOpts, sim.WithStateFile(s.SimState))
		}
		srv, err := sim.Start(simOpts...)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot start the simulator: %w", err)
		}
		base, closeSim = srv.URL, func() error {
			_ = srv.Close()
			return srv.Server.Err()
		}
	}
	if c.plan != nil {
		rt, err := c.plan.start(base)
		if err != nil {
			_ = closeSim()
			return nil, nil, err
		}
		opts = append(opts, client.WithHTTPClient(&http.Client{Transport: rt}))
	} else if c.replPlan != nil {
		c.replPlan.base = base
		opts = append(opts, client.WithHTTPClient(&http.Client{Transport: c.replPlan}))
	}
	api, err := client.New(append(opts, client.WithToken(s.Token), client.WithBaseURL(base))...)
	if err != nil {
		_ = closeSim()
		return nil, nil, err
	}
	return api, closeSim, nil
}

// newTracer returns the --trace observer: one line per HTTP attempt.
func newTracer(w io.Writer) func(client.CallInfo) {
	return func(ci client.CallInfo) {
		fmt.Fprintln(w, traceLine(ci))
	}
}

// newPaceTracer returns the --trace observer of the client's rate limiter:
// one line per request that waits for a token.
func newPaceTracer(w io.Writer) func(client.PaceInfo) {
	return func(p client.PaceInfo) {
		fmt.Fprintf(w, "trace: %s %s waits %s for the client's rate limit (--rate-limits off to turn it off)\n",
			p.Method, p.Path, traceDuration(p.Delay))
	}
}

// traceLine is "trace: GET /v1/apps/web/machines 200 12ms request=01J...".
// It never holds the token: CallInfo has none.
func traceLine(ci client.CallInfo) string {
	var b strings.Builder
	status := "---"
	if ci.StatusCode != 0 {
		status = fmt.Sprint(ci.StatusCode)
	}
	fmt.Fprintf(&b, "trace: %s %s %s %s", ci.Method, ci.Path, status, traceDuration(ci.Duration))
	if ci.RequestID != "" {
		fmt.Fprintf(&b, " request=%s", ci.RequestID)
	}
	if ci.Attempt > 1 {
		fmt.Fprintf(&b, " attempt=%d", ci.Attempt)
	}
	if ci.Err != nil && ci.StatusCode == 0 {
		fmt.Fprintf(&b, " error=%q", ci.Err.Error())
	}
	return b.String()
}

// traceDuration is short and readable: "0.4ms", "12ms", "1.25s".
func traceDuration(d time.Duration) string {
	switch {
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	default:
		return d.Round(10 * time.Millisecond).String()
	}
}

// isTerminal reports whether r or w is a terminal.
func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
