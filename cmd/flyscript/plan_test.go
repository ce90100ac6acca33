package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// prod is a simulator serving real HTTP in the role of the real API. Its
// clock is two days behind, so that stopped machines are old; it keeps its
// state in a file, to compare byte for byte, and records every request.
type prod struct {
	t     *testing.T
	url   string
	sim   *sim.Server
	state string

	mu   sync.Mutex
	seen []string
}

func newProd(t *testing.T) *prod {
	p := &prod{t: t, state: filepath.Join(t.TempDir(), "prod.json")}
	clk := sim.NewFakeClock(time.Now().Add(-48 * time.Hour).Truncate(time.Second))
	p.sim = sim.New(sim.WithClock(clk), sim.WithTimings(sim.InstantTimings()), sim.WithStateFile(p.state))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		p.sim.ServeHTTP(w, r)
	}))
	p.url = srv.URL
	t.Cleanup(func() { srv.Close(); p.sim.Close() })
	return p
}

func (p *prod) do(method, path string, body any) map[string]any {
	p.t.Helper()
	b, err := json.Marshal(body)
	require.NoError(p.t, err)
	req, err := http.NewRequest(method, p.url+path, bytes.NewReader(b))
	require.NoError(p.t, err)
	req.Header.Set("Authorization", "Bearer set-up")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(p.t, err)
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	require.NoError(p.t, err)
	require.Less(p.t, resp.StatusCode, 300, "%s %s: %s", method, path, out)
	var m map[string]any
	_ = json.Unmarshal(out, &m)
	return m
}

// fleet makes app web: web-1..3 started on nginx:1.27 with 256 MB, and
// old-1 stopped (two days ago, by the production clock). It returns the
// ids by name.
func (p *prod) fleet() map[string]string {
	p.do("POST", "/v1/apps", map[string]any{"app_name": "web", "org_slug": "personal"})
	ids := map[string]string{}
	for _, name := range []string{"web-1", "web-2", "web-3", "old-1"} {
		ids[name] = p.do("POST", "/v1/apps/web/machines", map[string]any{"name": name, "region": "ord", "config": map[string]any{
			"image": "nginx:1.27", "guest": map[string]any{"cpu_kind": "shared", "cpus": 1, "memory_mb": 256},
		}})["id"].(string)
	}
	p.do("POST", "/v1/apps/web/machines/"+ids["old-1"]+"/stop", nil)
	return ids
}

// freeze forgets the set-up's requests and returns the whole state (the
// state file holds only what was folded into it; its journal the rest).
func (p *prod) freeze() []byte {
	p.mu.Lock()
	p.seen = nil
	p.mu.Unlock()
	return p.saved()
}

// saved is the simulator's whole state as a state file holds it.
func (p *prod) saved() []byte {
	p.t.Helper()
	path := filepath.Join(p.t.TempDir(), "saved.json")
	require.NoError(p.t, p.sim.Control().SaveState(path))
	b, err := os.ReadFile(path)
	require.NoError(p.t, err)
	return b
}

// untouched checks that production received only reads and that its
// state is byte for byte what frozen was.
func (p *prod) untouched(frozen []byte) {
	p.t.Helper()
	p.mu.Lock()
	seen := append([]string{}, p.seen...)
	p.mu.Unlock()
	require.NotEmpty(p.t, seen)
	for _, r := range seen {
		assert.True(p.t, strings.HasPrefix(r, "GET "), "production received %s", r)
	}
	assert.Equal(p.t, string(frozen), string(p.saved()), "production's state changed")
}

// plan runs `flyscript plan` against p with args after the flags.
func (p *prod) plan(args ...string) result {
	p.t.Helper()
	var out, errOut bytes.Buffer
	c := []string{"--api-url", p.url, "--token", fakeToken, "--app", "web"}
	code := planCommandWith(p.t, append(c, args...), &out, &errOut)
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// planCommandWith is planCommand with the tests' fast retries.
func planCommandWith(t *testing.T, args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr, env: []string{"HOME=" + t.TempDir()},
		clientOptions: []client.Option{client.WithRetryPolicy(fastRetries)}}
	return c.runPlan(t.Context(), args)
}

// planLines are the lines of the plan: from the first change to the summary.
func planLines(stdout string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(stdout, "\n"), "\n") {
		if len(out) > 0 || strings.HasPrefix(l, "~ ") || strings.HasPrefix(l, "+ ") || strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "Plan: ") {
			out = append(out, l)
		}
	}
	return out
}

func TestPlanRollingUpdate(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	jsonPath := filepath.Join(t.TempDir(), "plan.json")
	r := p.plan("--plan-json", jsonPath, "../../examples/rolling_update.lua", "nginx:1.28", "1024")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "done: every started machine runs nginx:1.28\n\n~ Machines_update")
	names := []string{"web-1", "web-2", "web-3"}
	sort.Slice(names, func(i, j int) bool { return ids[names[i]] < ids[names[j]] }) // the script's order
	var want []string
	for _, name := range names {
		want = append(want,
			"~ Machines_update update machine "+ids[name]+" ("+name+") of web",
			"    guest.memory_mb: 256 -> 1024",
			"    image: nginx:1.27 -> nginx:1.28")
	}
	want = append(want, "Plan: 3 updates.")
	assert.Equal(t, want, planLines(r.stdout))
	assert.NotContains(t, r.stdout, "\x1b[", "colours on a pipe")
	p.untouched(frozen)

	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var doc struct {
		Changes []map[string]any `json:"changes"`
		Summary string           `json:"summary"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	require.Len(t, doc.Changes, 3)
	first := doc.Changes[0]
	assert.Equal(t, "Machines_update", first["op"])
	assert.Equal(t, "POST", first["method"])
	assert.Equal(t, "/v1/apps/web/machines/"+ids[names[0]], first["path"])
	assert.Equal(t, "web", first["app"])
	assert.Equal(t, ids[names[0]], first["resource"])
	assert.Equal(t, names[0], first["name"])
	assert.Equal(t, map[string]any{"from": "nginx:1.27", "to": "nginx:1.28"}, first["diff"].(map[string]any)["image"])
	assert.Equal(t, "Plan: 3 updates.", doc.Summary)
}

func TestPlanJSONIsTheSameOnEveryRun(t *testing.T) {
	p := newProd(t)
	p.fleet()
	p.do("POST", "/v1/apps/web/volumes", map[string]any{"name": "data", "region": "ord", "size_gb": 1})
	src := script(t, `
		local m = fly.machines.create{ name = "canary", region = "ord", config = { image = "nginx:1.28" } }
		fly.machines.wait(m.id, "started")
		fly.volumes.create{ name = "logs", region = "ord", size_gb = 2 }
		for _, x in ipairs(fly.machines.list{ state = "started" }) do
			if x.name ~= "canary" then fly.machines.stop(x.id) end
		end
	`)
	var runs []string
	for range 2 {
		path := filepath.Join(t.TempDir(), "plan.json")
		r := p.plan("--plan-json", path, src)
		require.Equal(t, 0, r.code, r)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		runs = append(runs, string(b))
	}
	assert.Equal(t, runs[0], runs[1])
	var doc struct {
		Summary string `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(runs[0]), &doc))
	assert.Equal(t, "Plan: 2 creates, 3 stops.", doc.Summary)
	assert.NotRegexp(t, regexp.MustCompile(`20\d\d-\d\d-\d\d`), runs[0], "a timestamp in the plan")
}

func TestPlanScaleDown(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	r := p.plan("testdata/plan/scale_down.lua", "1")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "removed web-3\n2 machines left\n")
	assert.Equal(t, []string{
		"~ Machines_stop stop machine " + ids["web-2"] + " (web-2) of web: started -> stopped",
		"- Machines_delete destroy machine " + ids["web-2"] + " (web-2) of web: stopped -> destroyed",
		"~ Machines_stop stop machine " + ids["web-3"] + " (web-3) of web: started -> stopped",
		"- Machines_delete destroy machine " + ids["web-3"] + " (web-3) of web: stopped -> destroyed",
		"Plan: 2 stops, 2 destroys.",
	}, planLines(r.stdout))
	p.untouched(frozen)
}

func TestPlanCleanUp(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	r := p.plan("../../examples/cleanup_stopped.lua", "24")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "1 machines stopped for more than 24 hours")
	assert.Contains(t, r.stdout, "3 machines left in the app")
	assert.Equal(t, []string{
		"- Machines_delete destroy machine " + ids["old-1"] + " (old-1) of web: stopped -> destroyed",
		"Plan: 1 destroy.",
	}, planLines(r.stdout))
	p.untouched(frozen)
}

func TestPlanStopsAtALeaseHeldInProduction(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	names := []string{"web-1", "web-2", "web-3"}
	sort.Slice(names, func(i, j int) bool { return ids[names[i]] < ids[names[j]] }) // the script's order
	// The last machine is held by someone else for a hundred hours of
	// production time, so that it is still held now.
	p.do("POST", "/v1/apps/web/machines/"+ids[names[2]]+"/lease", map[string]any{"ttl": 360000, "description": "someone's deploy"})
	frozen := p.freeze()
	r := p.plan("../../examples/rolling_update.lua", "nginx:1.28")
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "409 conflict")
	assert.Contains(t, r.stderr, "lease currently held")
	// The plan ends where the script did.
	assert.Equal(t, []string{
		"~ Machines_update update machine " + ids[names[0]] + " (" + names[0] + ") of web",
		"    image: nginx:1.27 -> nginx:1.28",
		"~ Machines_update update machine " + ids[names[1]] + " (" + names[1] + ") of web",
		"    image: nginx:1.27 -> nginx:1.28",
		"Plan: 2 updates.",
	}, planLines(r.stdout))
	p.untouched(frozen)
}

func TestPlanRequestsAndRefusals(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	// A mutating fly.request is planned like any change.
	r := p.plan("-e", `fly.request("POST", "/v1/apps/web/machines/`+ids["web-1"]+`/stop")`)
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, []string{
		"~ Machines_stop stop machine " + ids["web-1"] + " (web-1) of web: started -> stopped",
		"Plan: 1 stop.",
	}, planLines(r.stdout))
	// What the shadow cannot model is refused, named, and never sent.
	r = p.plan("-e", `fly.machines.stop("`+ids["web-3"]+`")`, "-e", `fly.machines.exec("`+ids["web-1"]+`", {"ls"})`)
	assert.Equal(t, 1, r.code, r)
	assert.Contains(t, r.stderr, "not_planned")
	assert.Contains(t, r.stderr, "Machines_exec")
	assert.Equal(t, "Plan: 1 stop.", planLines(r.stdout)[len(planLines(r.stdout))-1])
	p.untouched(frozen)
}

func TestPlanUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, planCommandWith(t, []string{"--help"}, &out, &errOut))
	assert.Equal(t, planUsage, out.String())
	for _, args := range [][]string{
		{}, {"--plan-json"}, {"--plan-json="}, {"-i", "x.lua"}, {"--app", "web"},
	} {
		out.Reset()
		errOut.Reset()
		assert.Equal(t, 2, planCommandWith(t, args, &out, &errOut), "%q", args)
		assert.Contains(t, errOut.String(), "flyscript plan", "%q", args)
	}
	// The script's own arguments are its own, --plan-json among them.
	json, rest, _, err := splitPlanFlags([]string{"--app", "web", "--plan-json", "p.json", "s.lua", "--plan-json", "x"})
	require.NoError(t, err)
	assert.Equal(t, "p.json", json)
	assert.Equal(t, []string{"--app", "web", "s.lua", "--plan-json", "x"}, rest)
	// Every runner flag that takes a value is known as one: --plan-json
	// after --env NAME (or --max-memory, --rate-limits) is the plan's.
	json, rest, _, err = splitPlanFlags([]string{"--env", "HOME", "--max-memory", "1GiB", "--rate-limits", "off", "--sim", "--plan-json", "p.json", "s.lua"})
	require.NoError(t, err)
	assert.Equal(t, "p.json", json)
	assert.Equal(t, []string{"--env", "HOME", "--max-memory", "1GiB", "--rate-limits", "off", "--sim", "s.lua"}, rest)
	// A plan that cannot be written is a usage error, found before the
	// script runs (TestPlanJSONPathCheckedFirst).
	p := newProd(t)
	p.fleet()
	r := p.plan("--plan-json", filepath.Join(t.TempDir(), "missing", "plan.json"), "-e", "print(1)")
	assert.Equal(t, 2, r.code, r)
	assert.Contains(t, r.stderr, "missing does not exist")
}

func TestPlanParallelAndInterrupt(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	// Tasks of fly.parallel go through the overlay one request at a time.
	r := p.plan("-e", `
		local ms = fly.machines.list{ state = "started" }
		fly.parallel(ms, function(m) fly.machines.stop(m.id); fly.machines.wait(m.id, "stopped") end, { concurrency = 3 })
		print(#fly.machines.list{ state = "stopped" })`)
	require.Equal(t, 0, r.code, r)
	assert.True(t, strings.HasPrefix(r.stdout, "4\n\n"), r.stdout)
	lines := planLines(r.stdout)
	require.Len(t, lines, 4)
	sort.Strings(lines[:3])
	var want []string
	for _, name := range []string{"web-1", "web-2", "web-3"} {
		want = append(want, "~ Machines_stop stop machine "+ids[name]+" ("+name+") of web: started -> stopped")
	}
	sort.Strings(want)
	assert.Equal(t, append(want, "Plan: 3 stops."), lines)
	assert.NotContains(t, r.stdout+r.stderr, "SECRETSECRET")

	// Ctrl-C: the script stops, and the plan up to there is printed.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	out := &syncBuffer{}
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		c := &cli{stdin: strings.NewReader(""), stdout: out, stderr: &errOut, env: []string{"HOME=" + t.TempDir()}}
		done <- c.runPlan(ctx, []string{"--api-url", p.url, "--token", fakeToken, "--app", "web", "-e",
			`fly.machines.stop("` + ids["web-1"] + `") print("stopped") while true do end`})
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "stopped\n") }, 10*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 130, code)
	case <-time.After(10 * time.Second):
		t.Fatal("plan did not stop on interrupt")
	}
	assert.Contains(t, out.String(), "~ Machines_stop stop machine "+ids["web-1"]+" (web-1) of web: started -> stopped\nPlan: 1 stop.\n")
	p.untouched(frozen)
}

func TestREPLPlanWithPipedInput(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	id := ids["web-1"]
	r := cmd(t, invocation{stdin: strings.Join([]string{
		`.plan show`,
		`.plan`,
		`.plan`,
		`fly.machines.stop("` + id + `")`,
		`print(fly.machines.get("` + id + `").state)`,
		`.plan show`,
		`.plan bogus`,
		`.plan end`,
		`print(fly.machines.get("` + id + `").state)`,
		`.plan end`,
	}, "\n")}, "--api-url", p.url, "--token", fakeToken, "--app", "web", "-i")
	require.Equal(t, 0, r.code, r)
	stop := "~ Machines_stop stop machine " + id + " (web-1) of web: started -> stopped\nPlan: 1 stop.\n"
	assert.Regexp(t, "^plan: from now on changes go to a shadow[^\n]*\n"+
		"\\{ ok = true \\}\nstopped\n"+regexp.QuoteMeta(stop+stop)+"plan ended: changes go to the API again[^\n]*\nstarted\n$", r.stdout)
	assert.Equal(t, "no plan is on: .plan starts one\n"+
		"a plan is already on: .plan show lists it, .plan end ends it\n"+
		"unknown .plan command \"bogus\": use .plan, .plan show or .plan end\n"+
		"no plan is on: .plan starts one\n", r.stderr)
	p.untouched(frozen)
}

// TestREPLLeavingWithAPlanOn: a session that ends with a plan still on
// lists it and says none of it reached the API (which did not change).
func TestREPLLeavingWithAPlanOn(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	r := cmd(t, invocation{stdin: ".plan\nfly.machines.stop(\"" + ids["web-1"] + "\")\n"}, "--api-url", p.url, "--token", fakeToken, "--app", "web", "-i")
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "leaving with a plan on; none of it was sent to the API:\n~ Machines_stop stop machine "+ids["web-1"]+" (web-1) of web: started -> stopped\nPlan: 1 stop.\n")
	p.untouched(frozen)
}

func TestREPLPlanOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	p := newProd(t)
	ids := p.fleet()
	frozen := p.freeze()
	bin := buildFlyscript(t)
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, bin, env, "--api-url", p.url, "--token", "sim-token", "--app", "web")
	m := term.expect(0, "> ", 10*time.Second)
	term.typeText(".help\r")
	m = term.expect(m, ".plan  .plan show  .plan end", 5*time.Second)
	term.typeText(".plan\r")
	m = term.expect(m, "plan> ", 5*time.Second)
	term.typeText(`fly.machines.destroy("` + ids["old-1"] + `")` + "\r")
	m = term.expect(m, "plan> ", 5*time.Second)
	term.typeText(".plan end\r")
	m = term.expect(m, "\x1b[31m-\x1b[0m \x1b[1mMachines_delete\x1b[0m destroy machine "+ids["old-1"]+" (old-1) of web: stopped -> destroyed", 5*time.Second)
	m = term.expect(m, "plan ended", 5*time.Second)
	term.expect(m, "\n> ", 5*time.Second)
	term.typeText("\x04")
	assert.Equal(t, 0, term.wait(10*time.Second))
	p.untouched(frozen)
}

func TestPlanNeverPrintsTheToken(t *testing.T) {
	p := newProd(t)
	ids := p.fleet()
	jsonPath := filepath.Join(t.TempDir(), "plan.json")
	// A config that holds the token (by mistake) shows in the diff redacted.
	r := p.plan("--plan-json", jsonPath, "-e", `
		local m = fly.machines.get("`+ids["web-1"]+`")
		m.config.env = { FLY_API_TOKEN = "`+fakeToken+`" }
		fly.machines.update(m.id, { config = m.config })`)
	require.Equal(t, 0, r.code, r)
	assert.Contains(t, r.stdout, "env.FLY_API_TOKEN: (none) -> [REDACTED]")
	b, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	for _, s := range []string{r.stdout, r.stderr, string(b)} {
		assert.NotContains(t, s, "SECRETSECRET")
	}
	assert.Contains(t, string(b), `"to": "[REDACTED]"`)
}

// TestPlanJSONPathCheckedFirst: a --plan-json path that cannot be written
// is a usage error before the script runs (it was found only after).
func TestPlanJSONPathCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	for path, want := range map[string]string{
		dir:                                   "--plan-json " + dir + " is a folder: give a file name",
		filepath.Join(dir, "nodir", "p.json"): "the folder " + filepath.Join(dir, "nodir") + " does not exist",
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), []string{"plan", "--sim", "--plan-json", path, "-e", `print("ran")`}, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
		assert.Equal(t, exitUsage, code, errOut.String())
		assert.Contains(t, errOut.String(), want)
		assert.Empty(t, out.String(), "the script did not run")
	}
}

// fullWriter fails every write, as a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// A plan that cannot be printed (stdout on a full disk, a closed stdout)
// fails the command: exit status 0 would tell CI it has read the plan.
func TestPlanThatCannotBePrintedFails(t *testing.T) {
	t.Parallel()
	var errOut bytes.Buffer
	code := planCommandWith(t, []string{"--sim", "-e", `fly.apps.create{ name = "web" }`}, fullWriter{}, &errOut)
	assert.Equal(t, exitFailure, code, errOut.String())
	assert.Equal(t, "flyscript plan: cannot print the plan: no space left on device\n", errOut.String())
}

// --plan-json /dev/stdout (a link to a pipe or a terminal) replaced the
// link with a regular file (as root: /dev/stdout itself, for every later
// process) and the JSON never reached the pipe; a link to a file became a
// file. The plan is written through links, and to what is no regular file.
func TestPlanJSONThroughLinksAndToPipes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	link := filepath.Join(dir, "stdout")
	require.NoError(t, os.Symlink(fifo, link))
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	var out, errOut bytes.Buffer
	code := planCommandWith(t, []string{"--sim", "--plan-json", link, "-e", `fly.apps.create{ name = "web" }`}, &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	select {
	case b := <-got:
		assert.Contains(t, string(b), `"summary": "Plan: 1 create."`)
	case <-time.After(10 * time.Second):
		t.Fatal("the plan never reached the FIFO")
	}
	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&os.ModeSymlink, "the link is still a link")

	file := filepath.Join(t.TempDir(), "plan.json")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.Symlink(file, link))
	code = planCommandWith(t, []string{"--sim", "--plan-json", link, "-e", `fly.apps.create{ name = "web" }`}, &out, &errOut)
	require.Equal(t, exitOK, code, errOut.String())
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"summary": "Plan: 1 create."`)
	info, err = os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&os.ModeSymlink, "the link is still a link")
}
