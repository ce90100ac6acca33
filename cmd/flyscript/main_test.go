package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// fakeToken is recognisable in any output that leaks it.
const fakeToken = "FlyV1 fm2_SECRETSECRET"

// result is one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "--- stderr\n" + r.stderr
}

// fastRetries keeps the client's retries but not their real-time waits.
var fastRetries = client.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}

// invocation describes one run: its stdin, environment, context and the
// options of the in-process simulator.
type invocation struct {
	stdin   string
	env     []string
	ctx     context.Context
	simOpts []sim.Option
}

// cmd runs the command in-process. The simulator transitions instantly so
// that --sim runs take no real time; the environment holds only HOME (an
// empty folder) unless inv says otherwise.
func cmd(t *testing.T, inv invocation, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	env := inv.env
	if env == nil {
		env = []string{"HOME=" + t.TempDir()}
	}
	ctx := inv.ctx
	if ctx == nil {
		ctx = t.Context()
	}
	simOpts := inv.simOpts
	if simOpts == nil {
		simOpts = []sim.Option{sim.WithTimings(sim.InstantTimings())}
	}
	c := &cli{
		stdin: strings.NewReader(inv.stdin), stdout: &out, stderr: &errOut, env: env,
		simOptions:    simOpts,
		clientOptions: []client.Option{client.WithRetryPolicy(fastRetries)},
	}
	code := c.main(ctx, args)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

func script(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.lua")
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestVersion(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"--version"}, strings.NewReader(""), &out, &errOut, nil)
	require.Equal(t, 0, code, errOut.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 3)
	assert.Regexp(t, `^flyscript \S+$`, lines[0])
	assert.Regexp(t, `^gopher-lua \S+ \(Lua 5\.1\)$`, lines[1])
	assert.Equal(t, runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH, lines[2])
}

func TestHelp(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h"} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{arg}, strings.NewReader(""), &out, &errOut, nil)
		assert.Equal(t, 0, code)
		assert.Equal(t, usage, out.String())
		assert.Empty(t, errOut.String())
	}
	for _, want := range []string{"--app", "--token", "--api-url", "--sim", "--sim-state", "--timeout", "--trace", "--log-level", "--sandbox", "--version", "-e CODE", "-i", "Examples:", "Exit status"} {
		assert.Contains(t, usage, want)
	}
	// Every subcommand is named in the usage, a newcomer's only map.
	for _, sub := range []string{"sim", "plan", "test", "defs", "version"} {
		assert.Contains(t, usage, "\n  flyscript "+sub+" ", "subcommand %q missing from --help", sub)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		want string
	}{
		"unknown flag":     {[]string{"--nope", "x.lua"}, "flyscript: unknown flag --nope\n"},
		"bad timeout":      {[]string{"--timeout", "soon", "x.lua"}, "--timeout"},
		"bad log level":    {[]string{"--log-level", "loud", "x.lua"}, `--log-level "loud"`},
		"sim with api-url": {[]string{"--sim", "--api-url", "http://localhost:1", "x.lua"}, "--sim and --api-url cannot be used together"},
		"missing value":    {[]string{"--app"}, "flag needs an argument"},
		// --env FOO=bar set nothing and hid FOO: the script saw nil.
		"env with a value": {[]string{"--sim", "--env", "FOO=bar", "x.lua"}, `flyscript: --env "FOO=bar": --env takes a variable's name, not a value (to set one: FOO=bar flyscript --env FOO ...)`},
		"env without name": {[]string{"--sim", "--env", "", "x.lua"}, "--env needs a variable's name"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := cmd(t, invocation{}, c.args...)
			assert.Equal(t, exitUsage, r.code, r)
			assert.Contains(t, r.stderr, c.want)
			assert.Contains(t, r.stderr, "Run 'flyscript --help' for usage.")
			assert.Empty(t, r.stdout)
		})
	}
}

func TestNoToken(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, script(t, "print(1)"))
	assert.Equal(t, exitUsage, r.code, r)
	assert.Contains(t, r.stderr, "no Fly.io API token found")
	assert.Contains(t, r.stderr, "fly auth token")
	assert.Contains(t, r.stderr, "--sim")
	assert.Equal(t, 1, strings.Count(r.stderr, "flyscript:"), "one message")
	assert.Empty(t, r.stdout)
}

func TestEval(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "-e", "x = 20", "-e", "print(x + 22, ...)")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "42\n", r.stdout)

	r = cmd(t, invocation{}, "--sim", "-e", "error('boom')")
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "flyscript: (command line):1: boom\n")
}

// Without a token, plan suggests a plan on the simulator, not a run.
func TestPlanNoTokenSuggestsAPlan(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := planCommandWith(t, []string{script(t, "print(1)")}, &out, &errOut)
	assert.Equal(t, exitUsage, code, errOut.String())
	assert.Contains(t, errOut.String(), "flyscript plan --sim script.lua")
}

func TestEvalThenScriptSharesTheVM(t *testing.T) {
	t.Parallel()
	p := script(t, "print(greeting, arg[1])")
	r := cmd(t, invocation{}, "--sim", "-e", "greeting = 'hi'", p, "there")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "hi\tthere\n", r.stdout)
}

func TestScriptArgsAndShebang(t *testing.T) {
	t.Parallel()
	p := script(t, "#!/usr/bin/env flyscript\nprint(#arg, arg[1], arg[2], ...)\nprint(arg[0] == SCRIPT)\n")
	r := cmd(t, invocation{}, "--sim", "-e", "SCRIPT = "+luaQuote(p), p, "--app", "x y")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "2\t--app\tx y\t--app\tx y\ntrue\n", r.stdout)
}

func luaQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

func TestStdinScript(t *testing.T) {
	t.Parallel()
	src := "print('from stdin', ...)\n"
	r := cmd(t, invocation{stdin: src}, "--sim", "-", "a1")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "from stdin\ta1\n", r.stdout)

	// No script and stdin not a terminal: stdin is the script.
	r = cmd(t, invocation{stdin: src}, "--sim")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "from stdin\n", r.stdout)

	r = cmd(t, invocation{stdin: "error('stdin failed')"}, "--sim")
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "flyscript: stdin:1: stdin failed")
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		src  string
		code int
		out  string
	}{
		"end":        {"print('a')", 0, "a\n"},
		"exit 3":     {"print('a') os.exit(3) print('b')", 3, "a\n"},
		"exit 0":     {"os.exit(0) print('b')", 0, ""},
		"exit false": {"os.exit(false)", 1, ""},
		"in pcall":   {"pcall(os.exit, 4) print('b')", 4, ""},
		"error":      {"error('x')", 1, ""},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := cmd(t, invocation{}, "--sim", script(t, c.src))
			assert.Equal(t, c.code, r.code, r)
			assert.Equal(t, c.out, r.stdout)
			if c.code != 1 || name != "error" {
				assert.Empty(t, r.stderr, "os.exit prints nothing")
			}
		})
	}
}

func TestScriptErrorReport(t *testing.T) {
	t.Parallel()
	p := script(t, "local function get(id)\n  local m = fly.machines.get(id)\n  return m\nend\nfly.apps.create{ name = 'errs', org_slug = 'personal' }\nfly.use('errs')\nget('0123456789abcd')\n")
	r := cmd(t, invocation{}, "--sim", p)
	assert.Equal(t, exitFailure, r.code, r)
	assert.NotContains(t, r.stderr, "table: 0x")
	assert.Regexp(t, `^flyscript: `+regexp.QuoteMeta(p)+`:2: fly\.machines\.get: 404 not_found: .*\n`, r.stderr)
	assert.Contains(t, r.stderr, "stack traceback:\n")
	assert.Contains(t, r.stderr, p+":2: in function 'get'")
	assert.Contains(t, r.stderr, p+":7: in main chunk")
	assert.Equal(t, 1, strings.Count(r.stderr, "in main chunk"))
}

func TestHintPrinted(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "-e", "fly.machines.list()")
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "no app selected")
	assert.Contains(t, r.stderr, "FLY_APP_NAME")
}

func TestQuickstartOnSimulator(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", filepath.Join("..", "..", "examples", "quickstart.lua"))
	assert.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "destroyed the machine and the app")
}

func TestAppFromFlagAndEnv(t *testing.T) {
	t.Parallel()
	src := "fly.apps.create{ name = 'flagapp', org_slug = 'personal' } print(#fly.machines.list())"
	r := cmd(t, invocation{}, "--sim", "--app", "flagapp", "-e", src)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "0\n", r.stdout)
	r = cmd(t, invocation{env: []string{"FLY_APP_NAME=flagapp"}}, "--sim", "-e", src)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "0\n", r.stdout)
}

func TestTrace(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "--trace", "-e", "fly.apps.create{ name = 'traced', org_slug = 'personal' } print(fly.apps.exists('traced'), fly.apps.exists('nope'))")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "true\tfalse\n", r.stdout)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	require.Len(t, lines, 3, r.stderr)
	assert.Regexp(t, `^trace: POST /v1/apps 201 \d+(\.\d)?m?s request=\S+$`, lines[0])
	assert.Regexp(t, `^trace: GET /v1/apps/traced 200 \d+(\.\d)?m?s request=\S+$`, lines[1])
	assert.Regexp(t, `^trace: GET /v1/apps/nope 404 \d+(\.\d)?m?s request=\S+$`, lines[2])
}

// Nothing is redacted on the simulator, which needs no secret: request ids
// (which end in "-sim") and text that mentions the simulator stay whole.
func TestNothingRedactedOnTheSimulator(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "--trace", "-e", "print('simulation') local ok, e = pcall(fly.apps.get, 'nope') print(e.request_id)")
	assert.Equal(t, 0, r.code, r)
	assert.True(t, strings.HasPrefix(r.stdout, "simulation\n"), r.stdout)
	assert.Regexp(t, `-sim\n$`, r.stdout)
	assert.Regexp(t, `request=\S+-sim\n`, r.stderr)
	assert.NotContains(t, r.stdout+r.stderr, "REDACTED")
}

func TestTraceDuration(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "0.4ms", traceDuration(400*time.Microsecond))
	assert.Equal(t, "12ms", traceDuration(12*time.Millisecond+300*time.Microsecond))
	assert.Equal(t, "1.25s", traceDuration(1249*time.Millisecond))
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "--timeout", "20ms", "-e", "while true do end")
	assert.Equal(t, 124, r.code, r)
	assert.Contains(t, r.stderr, "flyscript: timed out after 20ms")
}

func TestSandboxFlag(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "--sandbox", "-e", "io.open('/etc/passwd')")
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "io.open is not available in the sandbox")
	r = cmd(t, invocation{}, "--sim", "--sandbox", "-e", "print(json.encode({1}))")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "[1]\n", r.stdout)
}

func TestSimState(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	r := cmd(t, invocation{}, "--sim-state", state, "-e", "fly.apps.create{ name = 'kept', org_slug = 'personal' }")
	require.Equal(t, 0, r.code, r)
	r = cmd(t, invocation{}, "--sim-state", state, "-e", "print(fly.apps.exists('kept'))")
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "true\n", r.stdout)
}

// TestSimStateInMissingFolder: refused at start, never "state in ..." and
// exit 0 with nothing written.
func TestSimStateInMissingFolder(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "nodir", "s.json")
	r := cmd(t, invocation{}, "--sim-state", state, "-e", "fly.apps.create{ name = 'lost', org_slug = 'personal' }")
	assert.Equal(t, exitUsage, r.code, r)
	assert.Contains(t, r.stderr, "nodir does not exist")
}

// TestSimStateBadFile: a hand-edited file is refused with its name, the JSON
// path and the problem, exit 2, and is left as it is.
func TestSimStateBadFile(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	bad := `{"format": 1, "orgs": {"personal": {"slug": "personal"}}, "apps": {"web": null}}`
	require.NoError(t, os.WriteFile(state, []byte(bad), 0o600))
	r := cmd(t, invocation{}, "--sim-state", state, "-e", "print(1)")
	assert.Equal(t, exitUsage, r.code, r)
	assert.Contains(t, r.stderr, state+`: at $.apps["web"]: null, want an object`)
	b, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Equal(t, bad, string(b))
}

// TestSimStateWriteFailureEndsLoudly: the folder disappears during the run,
// so the final write fails: the run says so and exits 1.
func TestSimStateWriteFailureEndsLoudly(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "d")
	require.NoError(t, os.Mkdir(dir, 0o700))
	state := filepath.Join(dir, "state.json")
	src := fmt.Sprintf("fly.apps.create{ name = 'moved', org_slug = 'personal' } assert(os.rename(%q, %q))", dir, dir+"-moved")
	r := cmd(t, invocation{}, "--sim-state", state, "-e", src)
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "cannot be written")
}

func TestLogLevel(t *testing.T) {
	t.Parallel()
	src := "log.debug('dbg') log.info('inf') log.warn('wrn')"
	r := cmd(t, invocation{}, "--sim", "-e", src)
	assert.Equal(t, 0, r.code, r)
	assert.NotContains(t, r.stderr, "dbg")
	assert.Contains(t, r.stderr, "inf")
	r = cmd(t, invocation{}, "--sim", "--log-level", "warn", "-e", src)
	assert.NotContains(t, r.stderr, "inf")
	assert.Contains(t, r.stderr, "wrn")
	r = cmd(t, invocation{}, "--sim", "--log-level", "debug", "-e", src)
	assert.Contains(t, r.stderr, "dbg")
}

func TestInterruptAbortsCallInFlight(t *testing.T) {
	t.Parallel()
	clock := sim.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		// Every answer of this simulator takes an hour of its clock, which
		// never moves: the call only ends when it is aborted.
		done <- cmd(t, invocation{ctx: ctx, simOpts: []sim.Option{sim.WithClock(clock), sim.WithLatency(time.Hour, 0)}},
			"--sim", "-e", "print('before') fly.apps.list() print('after')")
	}()
	clock.BlockUntil(1) // the request has reached the simulator
	cancel()
	select {
	case r := <-done:
		assert.Equal(t, exitInterrupted, r.code, r)
		assert.Equal(t, "before\n", r.stdout)
		assert.Contains(t, r.stderr, "flyscript: interrupted")
	case <-time.After(10 * time.Second):
		t.Fatal("the script did not stop when its context was cancelled")
	}
}

func TestInterruptStopsLuaLoop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r := cmd(t, invocation{ctx: ctx}, "--sim", "-e", "while true do end")
	assert.Equal(t, exitInterrupted, r.code, r)
}

// leakServer answers every request with a 500 whose body quotes the
// request's Authorization header: the worst an API could do.
func leakServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("fly-request-id", "req-"+r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":"internal error for `+r.Header.Get("Authorization")+`"}`)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func simServer(t *testing.T, opts ...sim.Option) string {
	t.Helper()
	s := sim.New(append([]sim.Option{sim.WithTimings(sim.InstantTimings())}, opts...)...)
	srv := httptest.NewServer(s)
	t.Cleanup(func() { srv.Close(); s.Close() })
	return srv.URL
}

func TestTokenNeverPrinted(t *testing.T) {
	t.Parallel()
	secretParts := []string{"SECRETSECRET", "fm2_SECRET"}
	otherToken := simServer(t, sim.WithToken("a-different-token"))
	okServer := simServer(t)
	leaky := leakServer(t)
	cases := map[string]struct {
		args []string
		env  []string
	}{
		"401":                    {args: []string{"--api-url", otherToken, "-e", "fly.apps.list()"}},
		"404":                    {args: []string{"--api-url", okServer, "-e", "fly.apps.get('missing')"}},
		"500 quoting the header": {args: []string{"--api-url", leaky, "-e", "fly.apps.get('x')"}},
		"network error":          {args: []string{"--api-url", "http://127.0.0.1:1", "-e", "fly.apps.get('x')"}},
		"bad api url":            {args: []string{"--api-url", "ftp://example.com/" + "fm2_SECRETSECRET", "-e", "fly.apps.get('x')"}},
		"script prints it":       {args: []string{"--api-url", okServer, "-e", "print(os.getenv('FLY_API_TOKEN')) io.write(env.get('FLY_API_TOKEN'), '\\n') error(env.get('FLY_API_TOKEN'))"}},
		"script logs it":         {args: []string{"--api-url", okServer, "-e", "log.debug('token', { token = env.get('FLY_API_TOKEN') }) error({ message = os.getenv('FLY_API_TOKEN') })"}},
		"token in flag": {
			args: []string{"--token", fakeToken, "--api-url", leaky, "-e", "print(arg, '" + fakeToken + "') fly.apps.get('x')"},
			env:  []string{},
		},
		"token in usage error": {args: []string{"--token", fakeToken, "--log-level", fakeToken}, env: []string{}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := c.env
			if env == nil {
				env = []string{"FLY_API_TOKEN=" + fakeToken}
			}
			env = append(env, "HOME="+t.TempDir())
			args := append([]string{"--trace", "--log-level", "debug"}, c.args...)
			r := cmd(t, invocation{env: env}, args...)
			assert.NotEqual(t, 0, r.code, r)
			for _, s := range secretParts {
				assert.NotContains(t, r.stdout, s)
				assert.NotContains(t, r.stderr, s)
			}
		})
	}
}

func TestInteractiveAfterScriptReadsStdinLines(t *testing.T) {
	t.Parallel()
	stdin := "x + 1\nlocal t = {\n  a = 1 }\nprint(t)\nerror('oops')\nos.exit(4)\nprint('not reached')\n"
	r := cmd(t, invocation{stdin: stdin}, "--sim", "-i", "-e", "x = 41 print('ran first')")
	assert.Equal(t, 4, r.code, r)
	assert.Equal(t, "ran first\n42\nnil\n", r.stdout)
	assert.Contains(t, r.stderr, "oops")
}

func TestSubcommandsDispatch(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"defs", "--out", t.TempDir()}, strings.NewReader(""), &out, &errOut, nil)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "wrote ")

	out.Reset()
	errOut.Reset()
	code = run(t.Context(), []string{"sim", "--no-such-flag"}, strings.NewReader(""), &out, &errOut, nil)
	assert.Equal(t, exitUsage, code)
}
