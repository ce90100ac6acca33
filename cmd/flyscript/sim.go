package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/flyscript/flyscript/sim"
)

// onOff is a flag that reads on or off (or true/false, yes/no, 1/0):
// --rate-limits off and --rate-limits=off alike. It takes a value, unlike
// a boolean flag, which would leave "off" behind as an argument.
type onOff bool

func (b *onOff) String() string {
	if *b {
		return "on"
	}
	return "off"
}

func (b *onOff) Set(v string) error {
	switch strings.ToLower(v) {
	case "on", "true", "1", "yes":
		*b = true
	case "off", "false", "0", "no":
		*b = false
	default:
		return fmt.Errorf("want on or off, got %q", v)
	}
	return nil
}

// optDuration is a duration flag that may be left unset (--jitter, whose
// default depends on --latency).
type optDuration struct {
	d   time.Duration
	set bool
}

func (o *optDuration) String() string {
	if o == nil || !o.set {
		return ""
	}
	return o.d.String()
}

func (o *optDuration) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration (use e.g. 20ms or 1s)", v)
	}
	o.d, o.set = d, true
	return nil
}

const simUsage = `usage: flyscript sim [flags]

Serves a simulator of the Fly.io Machines API, for scripts, curl, fly-go
(through FLY_FLAPS_BASE_URL) and any other client. Stop it with Ctrl-C.

flags:
`

// simCommand serves the Machines API simulator: `flyscript sim [flags]`.
// Exit codes: 0 after a clean stop, 1 when it cannot serve or its state
// could not be written, 2 on bad flags or a state file that does not load.
func simCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newSubcommandFlags("sim")
	listen := fs.String("listen", "127.0.0.1:4280", "address to serve on (host:port; loopback unless you say otherwise)")
	state := fs.String("sim-state", "", "persist the simulator's state in this JSON `file` (loaded on start)")
	fs.StringVar(state, "state", "", "old spelling of --sim-state")
	latency := fs.Duration("latency", 0, "add this mean latency to every response (e.g. 50ms)")
	var jitter optDuration
	fs.Var(&jitter, "jitter", "latency jitter, ± uniformly: a `duration` (default: half of --latency)")
	faults := fs.String("faults", "", "inject faults: comma-separated kind=share, kinds 500, 502, 503, 429, reset,\nreset-before, reset-after (e.g. 503=0.1,429=0.05,reset=0.05)")
	rateLimits := onOff(true)
	fs.Var(&rateLimits, "rate-limits", "enforce the documented rate limits: `on|off`")
	token := fs.String("token", "", "require this API `token` (default: any token is accepted)")
	seed := fs.Int64("seed", 1, "seed of identifiers and injected faults")
	instant := fs.Bool("instant", false, "make machine transitions instant instead of a few hundred ms")
	var allowHosts multiFlag
	fs.Var(&allowHosts, "allow-host", "also answer requests whose Host header is this `name` (repeatable; * for any):\nby default only loopback hosts and the --listen host are answered, against DNS rebinding")
	admin := fs.Bool("admin", false, "serve test controls under /_sim/: move the clock, inject failures, read\nthe requests answered (see the README's \"Testing your scripts\")")
	if code, ok := parseSubcommandFlags(fs, args, simUsage, stdout, stderr); !ok {
		return code
	}
	usageErr := func(format string, a ...any) int {
		_, _ = fmt.Fprintf(stderr, "flyscript sim: "+format+"\n", a...)
		_, _ = fmt.Fprintln(stderr, "run 'flyscript help sim' for the flags")
		return 2
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	host, port, err := net.SplitHostPort(*listen)
	if err != nil {
		return usageErr("invalid --listen %q: want host:port, e.g. 127.0.0.1:4280", *listen)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return usageErr("invalid --listen %q: bad port", *listen)
	}
	if *latency < 0 {
		return usageErr("invalid --latency %s: must not be negative", *latency)
	}
	if !jitter.set {
		jitter.d = *latency / 2
	}
	if jitter.d < 0 {
		return usageErr("invalid --jitter %s: must not be negative", jitter.d)
	}
	f, err := sim.ParseFaults(*faults)
	if err != nil {
		return usageErr("invalid --faults: %v", err)
	}
	opts := []sim.Option{
		sim.WithRateLimits(bool(rateLimits)),
		sim.WithFaults(f),
		sim.WithLatency(*latency, jitter.d),
		sim.WithSeed(*seed),
		sim.WithAllowedHosts(allowHosts...),
	}
	if *state != "" {
		opts = append(opts, sim.WithStateFile(*state))
	}
	if *token != "" {
		opts = append(opts, sim.WithToken(*token))
	}
	if *instant {
		opts = append(opts, sim.WithTimings(sim.InstantTimings()))
	}
	if *admin {
		opts = append(opts, sim.WithAdmin(), sim.WithClock(sim.NewShiftClock()))
	}
	srv, err := sim.Listen(*listen, opts...)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "flyscript sim: %v\n", err)
		var se *sim.StateError
		if errors.As(err, &se) {
			return 2
		}
		return 1
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		_, _ = fmt.Fprintf(stderr, "flyscript sim: warning: serving on %s, reachable from other hosts\n", *listen)
	}
	tok := *token
	if tok == "" {
		tok = "sim"
	}
	desc := []string{"rate limits " + rateLimits.String()}
	if *state != "" {
		desc = append(desc, "state in "+*state)
	}
	if *admin {
		desc = append(desc, "admin endpoint "+sim.AdminPrefix)
	}
	if *latency > 0 {
		desc = append(desc, fmt.Sprintf("latency %s±%s", *latency, jitter.d))
	}
	if s := f.String(); s != "" {
		desc = append(desc, "faults "+s)
	}
	_, _ = fmt.Fprintf(stderr, "flyscript sim: serving the Machines API (%s); Ctrl-C to stop\n", strings.Join(desc, ", "))
	base := srv.URL
	_, _ = fmt.Fprintln(stdout, base)
	_, _ = fmt.Fprintf(stdout, "export FLY_FLAPS_BASE_URL=%s FLY_API_TOKEN=%s\n", base, tok)
	<-ctx.Done()
	start := time.Now()
	if err := srv.Close(); err != nil {
		_, _ = fmt.Fprintf(stderr, "flyscript sim: stop: %v\n", err)
		return 1
	}
	if err := srv.Server.Err(); err != nil {
		_, _ = fmt.Fprintf(stderr, "flyscript sim: %v\n", err)
		return 1
	}
	_, _ = fmt.Fprintf(stderr, "flyscript sim: stopped (%s)\n", time.Since(start).Round(time.Millisecond))
	return 0
}
