package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/soak"
	"github.com/flyscript/flyscript/sim"
)

// Reliability tests of the CLI (issue 9): a real flyscript process gets a
// real SIGINT during a wait, inside fly.leases.with and during fly.parallel;
// no failure prints the token; kill -9 of `flyscript sim --state` never
// leaves a state file that fails to load. The in-process run(ctx) path is
// covered next to each.

// relBin is the flyscript binary, built once for the package's tests and
// removed by TestMain.
var relBin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if relBin.dir != "" {
		_ = os.RemoveAll(relBin.dir)
	}
	os.Exit(code)
}

// flyscriptBinary builds the command on first use, with -race when the
// tests run with it, so that the build reuses the packages already compiled
// for the test.
func flyscriptBinary(t *testing.T) string {
	t.Helper()
	relBin.once.Do(func() {
		relBin.dir, relBin.err = os.MkdirTemp("", "flyscript-reliability-")
		if relBin.err != nil {
			return
		}
		relBin.path = filepath.Join(relBin.dir, "flyscript")
		args := []string{"build", "-o", relBin.path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			relBin.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, relBin.err)
	return relBin.path
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// relBuffer is a bytes.Buffer safe for the copying goroutines of exec.
type relBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *relBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *relBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is a running flyscript process.
type proc struct {
	cmd            *exec.Cmd
	stdout, stderr relBuffer
	done           chan struct{}
	exitedAt       time.Time
	code           int
}

// startProc runs the binary with args; the environment holds only PATH, an
// empty HOME and env.
func startProc(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	return startProcFiles(t, nil, nil, env, args...)
}

// startProcFiles is startProc with the process's stdin (nil: /dev/null)
// and stdout (nil: p.stdout).
func startProcFiles(t *testing.T, stdin, stdout *os.File, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{done: make(chan struct{})}
	p.cmd = exec.Command(flyscriptBinary(t), args...)
	if stdin != nil {
		p.cmd.Stdin = stdin
	}
	p.cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	if stdout != nil {
		p.cmd.Stdout = stdout
	}
	require.NoError(t, p.cmd.Start())
	go func() {
		_ = p.cmd.Wait()
		p.exitedAt = time.Now()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// wait waits for the process to end and returns its exit code.
func (p *proc) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(timeout):
		t.Fatalf("the process did not end within %s\n--- stdout\n%s--- stderr\n%s", timeout, p.stdout.String(), p.stderr.String())
		return -1
	}
}

func (p *proc) output() string {
	return "--- stdout\n" + p.stdout.String() + "--- stderr\n" + p.stderr.String()
}

// startWatchedSim serves a simulator that reports the requests it gets.
func startWatchedSim(t *testing.T, opts ...sim.Option) *soak.Watched {
	t.Helper()
	w := soak.StartWatched(opts...)
	t.Cleanup(w.Close)
	return w
}

// relAPI is a Go client of the simulator, for setting up and checking.
func relAPI(t *testing.T, url string) *client.Client {
	t.Helper()
	c, err := client.New(client.WithBaseURL(url), client.WithToken(soak.Token), client.WithoutRateLimits())
	require.NoError(t, err)
	return c
}

// relMachines creates the app "rel" and n started machines.
func relMachines(t *testing.T, c *client.Client, n int) []string {
	t.Helper()
	ids, err := soak.Machines(t.Context(), c, "rel", n)
	require.NoError(t, err)
	return ids
}

// assertNoSecret fails when out contains the token or one of its parts.
func assertNoSecret(t *testing.T, out string) {
	t.Helper()
	assert.Empty(t, soak.Leaks(out))
}

// interruptCase is a script interrupted once a request reached the
// simulator.
type interruptCase struct {
	name   string
	script func(ids []string) string
	after  func(ids []string) string // the request that must have arrived (suffix of "METHOD path")
	count  int                       // how many of them
	leases bool                      // whether the script holds a lease when interrupted
	tasks  int                       // machines to create
}

// waitOf is the wait request on the i-th machine.
func waitOf(i int) func(ids []string) string {
	return func(ids []string) string { return soak.WaitPath(ids[i]) }
}

// luaList is ids as a Lua table constructor.
func luaList(ids []string) string {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = fmt.Sprintf("%q", id)
	}
	return "{" + strings.Join(q, ", ") + "}"
}

// anyWait matches the wait request of any machine.
func anyWait([]string) string { return "/wait" }

var interruptCases = []interruptCase{
	{
		name: "parallel with 50 tasks waiting",
		script: func(ids []string) string {
			return "fly.parallel(" + luaList(ids) + `, function(id) return fly.machines.wait(id, "stopped", { timeout = "10m" }) end, { concurrency = 50 })`
		},
		after: anyWait, count: 50, tasks: 50,
	},
	{
		name: "parallel with 50 tasks in leases.with",
		script: func(ids []string) string {
			return "fly.parallel(" + luaList(ids) + `, function(id)
  return fly.leases.with(id, { ttl = 60 }, function() return fly.machines.wait(id, "stopped", { timeout = "10m" }) end)
end, { concurrency = 50 })`
		},
		after: anyWait, count: 50, tasks: 50, leases: true,
	},
	{
		name: "wait",
		script: func(ids []string) string {
			return fmt.Sprintf(`print("waiting") fly.machines.wait(%q, "stopped", { timeout = "10m" })`, ids[0])
		},
		after: waitOf(0), count: 1, tasks: 1,
	},
	{
		name: "leases.with during a wait",
		script: func(ids []string) string {
			return fmt.Sprintf(`fly.leases.with(%q, { ttl = 60 }, function() print("holding") fly.machines.wait(%[1]q, "stopped", { timeout = "10m" }) end)`, ids[0])
		},
		after: waitOf(0), count: 1, leases: true, tasks: 1,
	},
	{
		name: "leases.with in a Lua loop",
		script: func(ids []string) string {
			return fmt.Sprintf(`fly.leases.with(%q, { ttl = 60 }, function() fly.machines.get(%[1]q) while true do end end)`, ids[0])
		},
		after: func(ids []string) string { return "GET /v1/apps/rel/machines/" + ids[0] }, count: 1, leases: true, tasks: 1,
	},
}

// TestSIGINTEndsTheProcess sends a real SIGINT to a real flyscript process
// while it waits on the API: it exits 130 within a second, and the leases
// it held are released.
func TestSIGINTEndsTheProcess(t *testing.T) {
	t.Parallel()
	for _, c := range interruptCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := startWatchedSim(t)
			api := relAPI(t, s.URL)
			ids := relMachines(t, api, c.tasks)
			p := startProc(t, nil, "--api-url", s.URL, "--token", soak.Token, "--app", "rel", "-e", c.script(ids))
			require.NoError(t, s.WaitFor(c.after(ids), c.count, 20*time.Second))
			if c.leases {
				held, err := soak.LeasesHeld(t.Context(), api, "rel", ids)
				require.NoError(t, err)
				require.Len(t, held, len(ids), "the script holds the leases")
			}
			sent := time.Now()
			require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
			code := p.wait(t, 10*time.Second)
			took := p.exitedAt.Sub(sent)
			t.Logf("%s: exit %d %s after SIGINT", c.name, code, took.Round(time.Millisecond))
			assert.Equal(t, exitInterrupted, code, p.output())
			assert.Less(t, took, time.Second, "exit after SIGINT took %s", took)
			assert.Contains(t, p.stderr.String(), "interrupted")
			assertNoSecret(t, p.stdout.String()+p.stderr.String())
			assertLeasesReleased(t, api, ids)
		})
	}
}

// TestInterruptInProcess is the same through run(ctx): cancelling ctx is
// what SIGINT does.
func TestInterruptInProcess(t *testing.T) {
	t.Parallel()
	for _, c := range interruptCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := startWatchedSim(t)
			api := relAPI(t, s.URL)
			ids := relMachines(t, api, c.tasks)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			type outcome struct {
				code     int
				out, err string
				at       time.Time
			}
			done := make(chan outcome, 1)
			go func() {
				var out, errOut relBuffer
				code := run(ctx, []string{"--api-url", s.URL, "--app", "rel", "-e", c.script(ids)},
					strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir(), "FLY_API_TOKEN=" + soak.Token})
				done <- outcome{code, out.String(), errOut.String(), time.Now()}
			}()
			require.NoError(t, s.WaitFor(c.after(ids), c.count, 20*time.Second))
			sent := time.Now()
			cancel()
			select {
			case o := <-done:
				assert.Equal(t, exitInterrupted, o.code, "%s%s", o.out, o.err)
				assert.Less(t, o.at.Sub(sent), time.Second)
				assertNoSecret(t, o.out+o.err)
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return after its context was cancelled")
			}
			assertLeasesReleased(t, api, ids)
		})
	}
}

// assertLeasesReleased checks that no machine has a lease left.
func assertLeasesReleased(t *testing.T, api *client.Client, ids []string) {
	t.Helper()
	held, err := soak.LeasesHeld(t.Context(), api, "rel", ids)
	require.NoError(t, err)
	assert.Empty(t, held, "leases still held after the interrupt")
}

// echoServer answers every request with status, quoting the request's
// Authorization header (and its URL) in the body and in the headers: the
// worst an API or a proxy could do. pad puts that many bytes before the
// quote.
func echoServer(t *testing.T, status int, pad int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("fly-request-id", "req-"+strings.NewReplacer(" ", "-", ",", "-").Replace(auth))
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(status)
		msg := strings.Repeat("x", pad) + " you sent " + auth + " to " + r.URL.String()
		_ = json.NewEncoder(w).Encode(map[string]string{"error": msg, "status": "echo " + auth})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// redirectServer redirects every request to target, with the token in the
// redirect's URL.
func redirectServer(t *testing.T, target string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target+"/v1/apps/x?token="+strings.ReplaceAll(r.Header.Get("Authorization"), " ", "+"), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// secretCase is one provoked failure.
type secretCase struct {
	name    string
	args    []string
	viaFlag bool   // the token comes from --token rather than FLY_API_TOKEN
	guards  string // the fixed bug this case keeps fixed
}

func secretCases(t *testing.T) []secretCase {
	ok := startWatchedSim(t)
	relMachines(t, relAPI(t, ok.URL), 1)
	other := startWatchedSim(t, sim.WithToken("a-different-token"))
	dead := "http://" + closedPort(t)
	return []secretCase{
		{name: "401", args: []string{"--api-url", other.URL, "-e", "fly.apps.list()"}},
		{name: "401 with --token", args: []string{"--api-url", other.URL, "-e", "fly.apps.list()"}, viaFlag: true},
		{name: "404", args: []string{"--api-url", ok.URL, "-e", "fly.apps.get('missing')"}},
		{name: "500 echoing the header", args: []string{"--api-url", echoServer(t, 500, 0), "-e", "fly.apps.get('x')"}},
		{name: "500 echoing the header past 1000 bytes", args: []string{"--api-url", echoServer(t, 500, 960), "-e", "fly.apps.get('x')"},
			guards: "fixed: client decodeErrorBody cuts the message at 1000 bytes before sanitize scrubs the token, so a cut token is printed"},
		{name: "400 echoing, caught and printed", args: []string{"--api-url", echoServer(t, 400, 0), "-e",
			"local ok, e = pcall(fly.apps.get, 'x') print(e, e.message, e.code, e.request_id, e.hint) print(inspect(e)) log.debug('e', { e = e.message }) error(e)"}},
		{name: "network error", args: []string{"--api-url", dead, "-e", "fly.apps.get('x')"}},
		{name: "redirect to a URL with the token", args: []string{"--api-url", redirectServer(t, dead), "-e", "fly.apps.get('x')"}},
		{name: "Lua error", args: []string{"--api-url", ok.URL, "-e", "local t = nil; t.x = 1"}},
		{name: "Lua error quoting the token", args: []string{"--api-url", ok.URL, "-e", "error('token: ' .. os.getenv('FLY_API_TOKEN'))"}},
		{name: "script prints and logs the token", args: []string{"--api-url", ok.URL, "-e",
			"print(env.get('FLY_API_TOKEN')) io.write(os.getenv('FLY_API_TOKEN'), '\\n') io.stderr:write(os.getenv('FLY_API_TOKEN')) log.debug(os.getenv('FLY_API_TOKEN'), { t = os.getenv('FLY_API_TOKEN') }) error({ token = os.getenv('FLY_API_TOKEN') })"}},
		{name: "token as a machine id", args: []string{"--api-url", ok.URL, "--app", "rel", "-e", "fly.machines.get(os.getenv('FLY_API_TOKEN'))"}},
		{name: "token in a raw request path", args: []string{"--api-url", ok.URL, "-e", "fly.request('GET', '/v1/apps/' .. os.getenv('FLY_API_TOKEN'))"}},
		{name: "token in a query", args: []string{"--api-url", ok.URL, "--app", "rel", "-e", "fly.machines.list({ state = os.getenv('FLY_API_TOKEN') }) error('listed')"}},
		{name: "timeout", args: []string{"--api-url", ok.URL, "--timeout", "50ms", "-e", "while true do end"}},
		{name: "bad api url: scheme", args: []string{"--api-url", "ftp://example.com/fm2_lLeAkMeNoTsEcOnDpArT9876543210", "-e", "fly.apps.get('x')"}},
		{name: "bad api url: token as userinfo", args: []string{"--api-url", "http://fm2_lLeAkMeNoTsEcOnDpArT9876543210@" + closedPort(t), "-e", "fly.apps.get('x')"}},
		{name: "bad api url: unparsable", args: []string{"--api-url", "http://[::1%fm2_lLeAkMeNoTsEcOnDpArT9876543210", "-e", "fly.apps.get('x')"}},
		{name: "usage error quoting the token", args: []string{"--log-level", soak.Token, "-e", "print(1)"}, viaFlag: true},
		{name: "missing script file named after the token", args: []string{"--api-url", ok.URL, "/nonexistent/" + soak.Token + ".lua"}},
	}
}

// TestTokenNeverInOutput provokes every failure we can with a recognisable
// token, in a real process with --trace and --log-level debug, and scans
// every byte of stdout and stderr.
func TestTokenNeverInOutput(t *testing.T) {
	t.Parallel()
	for _, c := range secretCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--trace", "--log-level", "debug"}, c.args...)
			var env []string
			if c.viaFlag {
				args = append([]string{"--token", soak.Token}, args...)
			} else {
				env = []string{"FLY_API_TOKEN=" + soak.Token}
			}
			p := startProc(t, env, args...)
			code := p.wait(t, 30*time.Second)
			out := p.stdout.String() + p.stderr.String()
			assert.NotEqual(t, 0, code, p.output())
			assert.NotEmpty(t, strings.TrimSpace(p.stderr.String()), "the failure is reported")
			assertNoSecret(t, out)
		})
	}
}

// persistRounds is the number of kill -9 rounds: FLYSCRIPT_SOAK=full (as
// scripts/soak.sh sets) runs 100.
func persistRounds() int {
	if os.Getenv("FLYSCRIPT_SOAK") == "full" {
		return 100
	}
	return 4
}

// TestKillDuringStateWrite starts `flyscript sim --state F`, makes it write
// its state over and over (machine creates from three goroutines, each an
// append to F's journal, with a compaction into F every few MB), kills it
// with SIGKILL (at a random moment in even rounds; in odd ones as soon as a
// temporary state file shows a compaction under way, or after 5 s), and
// loads F: the files always load, and hold every create that was answered
// before the kill.
func TestKillDuringStateWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	rounds := persistRounds()
	acked := map[string]bool{} // machine names answered across rounds
	midWrite := 0
	for round := range rounds {
		p := startProc(t, nil, "sim", "--listen", "127.0.0.1:0", "--state", state, "--rate-limits=off", "--instant")
		url := waitForURL(t, p)
		api, err := client.New(client.WithBaseURL(url), client.WithToken("sim"), client.WithoutRateLimits(),
			client.WithRetryPolicy(client.NoRetries))
		require.NoError(t, err)
		if round == 0 {
			_, err := api.Do(t.Context(), &client.Request{Method: "POST", Pattern: "/v1/apps", Body: []byte(`{"app_name":"rel","org_slug":"personal"}`)})
			require.NoError(t, err)
		}
		var mu sync.Mutex
		ctx, cancel := context.WithCancel(t.Context())
		first := make(chan struct{}, 1) // a create of this round was answered
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				for i := 0; ctx.Err() == nil; i++ {
					name := fmt.Sprintf("r%d-w%d-%d", round, w, i)
					_, err := api.Do(ctx, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines", Params: map[string]string{"app_name": "rel"},
						Body: fmt.Appendf(nil, `{"name":%q,"region":"ord","config":{"image":"nginx:1.27","metadata":{"pad":%q}}}`, name, strings.Repeat("p", 2000))})
					if err == nil {
						mu.Lock()
						acked[name] = true
						mu.Unlock()
						select {
						case first <- struct{}{}:
						default:
						}
					}
				}
			})
		}
		// Once it writes, let it go on for a random while, then kill it:
		// with three writers, a write is nearly always in progress.
		select {
		case <-first:
		case <-time.After(20 * time.Second):
			t.Fatalf("round %d: no create answered: %s", round, p.output())
		}
		if round%2 == 0 {
			time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		} else {
			// Odd rounds aim: kill as soon as a temporary file shows that a
			// compaction is under way.
			for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
				if temps, _ := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*")); len(temps) > 0 {
					break
				}
			}
		}
		mu.Lock()
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		mu.Unlock()
		p.wait(t, 10*time.Second)
		cancel()
		wg.Wait()

		// A temporary file left behind means the kill came during a write.
		temps, err := filepath.Glob(filepath.Join(dir, ".state.json.tmp-*"))
		require.NoError(t, err)
		if len(temps) > 0 {
			midWrite++
		}
		s := sim.New(sim.WithStateFile(state))
		require.NoError(t, s.Err(), "round %d: the state file does not load", round)
		names := machineNames(t, s)
		s.Close()
		mu.Lock()
		for name := range acked {
			assert.True(t, names[name], "round %d: machine %s was answered before the kill but is not in the state", round, name)
		}
		n := len(acked)
		mu.Unlock()
		t.Logf("round %d: %d machines answered so far, %d in the file", round, n, len(names))
	}
	t.Logf("%d rounds, %d killed in the middle of a write (a temporary file left behind), %d machines answered, every state file loaded",
		rounds, midWrite, len(acked))
}

// waitForURL reads the simulator's URL from its first line of output.
func waitForURL(t *testing.T, p *proc) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if line, _, ok := strings.Cut(p.stdout.String(), "\n"); ok && strings.HasPrefix(line, "http://") {
			return line
		}
		select {
		case <-p.done:
			t.Fatalf("flyscript sim ended: %s", p.output())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("flyscript sim printed no URL: %s", p.output())
	return ""
}

// machineNames lists the machines of app rel in s.
func machineNames(t *testing.T, s *sim.Server) map[string]bool {
	t.Helper()
	r := httptest.NewRequest("GET", "/v1/apps/rel/machines", nil)
	r.Header.Set("Authorization", "Bearer sim")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	names := map[string]bool{}
	if w.Code == http.StatusNotFound {
		return names // the app's create was not written yet
	}
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var ms []struct{ Name string }
	require.NoError(t, json.NewDecoder(io.LimitReader(w.Body, 1<<30)).Decode(&ms))
	for _, m := range ms {
		names[m.Name] = true
	}
	return names
}
