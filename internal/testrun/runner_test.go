package testrun

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func byName(rs []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range rs {
		m[r.Name] = r
	}
	return m
}

func runOne(t *testing.T, file string, opts Options) []Result {
	t.Helper()
	return Run(context.Background(), []string{file}, opts)
}

// TestCleanupScriptWithAdvance: a user's clean-up script for machines
// stopped more than a day, tested with sim.advance and run().
func TestCleanupScriptWithAdvance(t *testing.T) {
	rs := runOne(t, "testdata/suite/cleanup_test.lua", Options{})
	require.Len(t, rs, 4)
	for _, r := range rs {
		require.Equal(t, Pass, r.Outcome, "%s: %s %s\n%s", r.Name, r.Where, r.Message, r.Output)
	}
	require.Equal(t, 48*time.Hour, byName(rs)["destroys a machine stopped for two days"].Virtual)
}

// TestRetryWithFailAndRequests: a retry behaviour, shown by sim.fail and
// sim.requests.
func TestRetryWithFailAndRequests(t *testing.T) {
	rs := runOne(t, "testdata/suite/retry_test.lua", Options{})
	require.Len(t, rs, 5)
	for _, r := range rs {
		require.Equal(t, Pass, r.Outcome, "%s: %s %s\n%s", r.Name, r.Where, r.Message, r.Output)
	}
}

// TestVirtualTimeSuite: four tests with ten virtual minutes of sleeping.
// The real time is logged, not asserted (the machine is shared).
func TestVirtualTimeSuite(t *testing.T) {
	began := time.Now()
	rs := runOne(t, "testdata/suite/sleep_test.lua", Options{})
	took := time.Since(began)
	require.Len(t, rs, 4)
	var virtual time.Duration
	for _, r := range rs {
		require.Equal(t, Pass, r.Outcome, "%s: %s", r.Name, r.Message)
		virtual += r.Virtual
	}
	require.Equal(t, 10*time.Minute, virtual)
	t.Logf("4 tests, %v of virtual time, in %v of real time", virtual, took)
}

func TestFailuresAndErrors(t *testing.T) {
	rs := runOne(t, "testdata/suite/failures_test.lua", Options{})
	m := byName(rs)
	require.Len(t, rs, 4)
	require.Equal(t, Pass, m["passes"].Outcome)

	f := m["assertion fails"]
	require.Equal(t, Fail, f.Outcome)
	require.Equal(t, "testdata/suite/failures_test.lua:9", f.Where)
	require.Equal(t, "assert.equal: expected 3, got 2: arithmetic", f.Message)
	require.Empty(t, f.Traceback, "an assertion in the test file needs no traceback")

	e := m["raises in the user's code"]
	require.Equal(t, Error, e.Outcome)
	require.Equal(t, "testdata/suite/failures_test.lua:13", e.Where, "the test file's line")
	require.True(t, strings.HasPrefix(e.Message, "testdata/suite/lib.lua:5: "), e.Message)
	require.Contains(t, e.Traceback, "testdata/suite/lib.lua:5:")
	require.Contains(t, e.Traceback, "testdata/suite/failures_test.lua:13:")

	p := m["prints then fails"]
	require.Equal(t, Error, p.Outcome)
	require.Equal(t, "plain error", p.Message)
	require.Equal(t, "testdata/suite/failures_test.lua:18", p.Where)
	require.Equal(t, "hello from the test\n", p.Output)
}

func TestFileWithoutTestsIsReported(t *testing.T) {
	rs := runOne(t, "testdata/empty/nothing_test.lua", Options{})
	require.Len(t, rs, 1)
	require.Equal(t, Error, rs[0].Outcome)
	require.Equal(t, FileName, rs[0].Name)
	require.Contains(t, rs[0].Message, "no tests")

	rs = runOne(t, "testdata/broken/syntax_test.lua", Options{})
	require.Len(t, rs, 1)
	require.Equal(t, Error, rs[0].Outcome)
	require.Contains(t, rs[0].Where+": "+rs[0].Message, "syntax_test.lua")
	require.Contains(t, rs[0].Message, "expected")
}

func TestRunSelectsByName(t *testing.T) {
	rs := runOne(t, "testdata/suite/sleep_test.lua", Options{Match: regexp.MustCompile(`sleeps [23]`)})
	require.Len(t, rs, 2)
	require.Equal(t, "sleeps 2", rs[0].Name)
	require.Equal(t, "sleeps 3", rs[1].Name)
}

func TestDiscover(t *testing.T) {
	files, err := Discover([]string{"testdata"})
	require.NoError(t, err)
	require.Equal(t, []string{
		"testdata/broken/syntax_test.lua",
		"testdata/empty/nothing_test.lua",
		"testdata/suite/cleanup_test.lua",
		"testdata/suite/failures_test.lua",
		"testdata/suite/retry_test.lua",
		"testdata/suite/sleep_test.lua",
	}, files, "hidden folders are skipped, files sorted")
	_, err = Discover([]string{"testdata/nope"})
	require.ErrorContains(t, err, "testdata/nope")
	files, err = Discover([]string{"testdata/suite/lib.lua", "testdata/suite/lib.lua"})
	require.NoError(t, err)
	require.Equal(t, []string{"testdata/suite/lib.lua"}, files, "a file named is taken, once")
	_, err = Discover([]string{"testdata/suite/cleanup.lua"})
	require.EqualError(t, err, "testdata/suite/cleanup.lua is a script, not a test file: its tests are in testdata/suite/cleanup_test.lua (flyscript test testdata/suite/cleanup_test.lua)")
}

func TestJUnitAndJSON(t *testing.T) {
	rs := runOne(t, "testdata/suite/failures_test.lua", Options{})
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, rs, time.Second))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Line    string `xml:"line,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	require.Equal(t, 4, doc.Tests)
	require.Equal(t, 1, doc.Failures)
	require.Equal(t, 2, doc.Errors)
	require.Len(t, doc.Suites, 1)
	c := doc.Suites[0].Cases[1]
	require.Equal(t, "assertion fails", c.Name)
	require.Equal(t, "9", c.Line)
	require.NotNil(t, c.Failure)
	require.Equal(t, "testdata/suite/failures_test.lua:9: assert.equal: expected 3, got 2: arithmetic", c.Failure.Text)
	require.Nil(t, doc.Suites[0].Cases[0].Failure)
	require.NotNil(t, doc.Suites[0].Cases[2].Error)

	b.Reset()
	require.NoError(t, WriteJSON(&b, rs))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 4)
	var one map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &one))
	require.Equal(t, "fail", one["outcome"])
	require.Equal(t, "testdata/suite/failures_test.lua:9", one["where"])
}

// writeTest writes a test file in a temporary folder and returns its path.
func writeTest(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	var first string
	for name, src := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
		if strings.HasSuffix(name, Suffix) {
			first = p
		}
	}
	return first
}

func requirePass(t *testing.T, rs []Result) {
	t.Helper()
	require.NotEmpty(t, rs)
	for _, r := range rs {
		require.Equal(t, Pass, r.Outcome, "%s: %s %s\n%s%s", r.Name, r.Where, r.Message, r.Traceback, r.Output)
	}
}

func TestVirtualWaitsLeasesAndTasks(t *testing.T) {
	p := writeTest(t, map[string]string{"v_test.lua": `
local t = require("assert")
local function app()
  fly.apps.create{ name = "web", org_slug = "personal" }
  return fly.use("web")
end

test("a lease outlives a long sleep through its refreshes", function()
  local h = app()
  local m = h.machines.create{ config = { image = "nginx" } }
  fly.leases.with(m.id, { ttl = 30 }, function()
    time.sleep(120)
    h.machines.stop(m.id) -- refused if the lease had expired and been taken
  end)
  -- the acquire, then a refresh every 15 s of the 120
  local leases = sim.requests("Machines_create_lease")
  t.equal(#leases, 9)
  for i, q in ipairs(leases) do
    -- each refresh reached the simulator before the lease could expire
    t.truthy(q.status >= 200 and q.status < 300, "lease request " .. i .. ": " .. q.status)
    t.equal(q.time - leases[1].time, (i - 1) * 15)
  end
  t.equal(#sim.requests("Machines_release_lease"), 1)
end)

test("waits follow the transitions of real timings", function()
  sim.options{ timings = "real" }
  local h = app()
  local t0 = time.now()
  local m = h.machines.create{ config = { image = "nginx" } }
  t.equal(m.state, "created")
  h.machines.wait(m.id, "started")
  t.near(time.now() - t0, 0.4, 1e-6)
  h.machines.stop(m.id)
  h.machines.wait(m.id, "stopped")
  t.near(time.now() - t0, 0.7, 1e-6)
end)

test("a wait that cannot succeed times out in virtual time", function()
  local h = app()
  local m = h.machines.create{ config = { image = "nginx" } }
  h.machines.stop(m.id)
  local t0 = time.now()
  local err = t.error(function() h.machines.wait(m.id, "started", { timeout = 90 }) end)
  t.equal(err.code, "timeout")
  t.equal(time.now() - t0, 90)
end)

test("tasks sleep together", function()
  local t0 = time.now()
  fly.parallel({ 10, 20, 10 }, function(d) time.sleep(d) end)
  t.equal(time.now() - t0, 20)
end)

test("rate limits pace the client in virtual time", function()
  sim.options{ rate_limits = true }
  local h = app()
  local m = h.machines.create{ config = { image = "nginx" } }
  local t0 = time.now()
  for _ = 1, 10 do h.machines.stop(m.id) end
  -- 1 request/s with bursts of 3 per machine and action
  t.near(time.now() - t0, 7, 1)
  for _, r in ipairs(sim.requests("Machines_stop")) do t.equal(r.status, 200) end
end)

test("a fresh simulator per test", function()
  t.same(fly.apps.list{ org_slug = "personal" }, {})
  t.same(sim.requests("Apps_create"), {})
end)
`})
	requirePass(t, runOne(t, p, Options{}))
}

func TestLoadSaveAndOptions(t *testing.T) {
	p := writeTest(t, map[string]string{"s_test.lua": `
local t = require("assert")
test("save", function()
  fly.apps.create{ name = "saved", org_slug = "personal" }
  sim.save("state.json")
end)
test("load", function()
  sim.load("state.json")
  t.equal(fly.apps.get("saved").name, "saved")
  sim.options{ rate_limits = true } -- keeps the state
  t.equal(fly.apps.get("saved").name, "saved")
  t.equal(#sim.requests("Apps_show"), 2, "requests survive a rebuild")
end)
test("bad calls", function()
  t.error(function() sim.load("missing.json") end, "sim.load: cannot read")
  -- a state file that does not load is named, with the place and the problem
  local ok, err = pcall(sim.load, "wrong.json")
  t.falsy(ok)
  t.truthy(err:find("wrong.json is not a simulator state file: at $.orgs: the number 5, want an object", 1, true), err)
  t.falsy(err:find("state-", 1, true), err) -- not the runner's own copy
  t.error(function() sim.options{ timing = "real" } end, 'unknown option "timing"')
  t.error(function() sim.options{ timings = "fast" } end, 'want "instant" or "real"')
  t.error(function() sim.fail{ op = "Machines_strat", status = 503 } end, "did you mean Machines_start")
  t.error(function() sim.fail{ op = "Machines_start", status = 503, machnie = "x" } end, 'unknown key "machnie"')
  t.error(function() sim.fail{ op = "Machines_start", status = "503" } end, "status: expected an integer")
  t.error(function() sim.advance(-1) end, "must not be negative")
  t.error(function() test("inner", function() end) end, "at the top level")
end)
`, "bad.json": `{"not": "a state"`, "wrong.json": `{"orgs": 5}`})
	requirePass(t, runOne(t, p, Options{}))
	rs := runOne(t, filepath.Join(filepath.Dir(p), "s_test.lua"), Options{Match: regexp.MustCompile("load")})
	requirePass(t, rs)
}

func TestRunScriptOptions(t *testing.T) {
	p := writeTest(t, map[string]string{
		"show.lua": `print(fly.app().name, env.get("GREETING"), io.read("l"), arg[1], #arg)`,
		"r_test.lua": `
local t = require("assert")
test("run passes app, env, stdin and args", function()
  local r = run("show.lua", "a", 2, { app = "web", env = { GREETING = "hi" }, stdin = "line\n" })
  t.equal(r.stdout, "web\thi\tline\ta\t2\n")
  t.equal(r.ok, true)
  t.equal(r.exit, 0)
  t.is_nil(r.error)
end)
test("a missing script", function()
  local r = run("nope.lua")
  t.equal(r.ok, false)
  t.match(r.error, "cannot open")
end)
test("Lua's assert returns its arguments", function()
  local a, b = assert(1, "two")
  t.equal(a, 1)
  t.equal(b, "two")
end)
test("top-level state is shared by the tests", function()
  t.equal(shared, 42)
end)
shared = 42
`})
	requirePass(t, runOne(t, p, Options{}))
}

func TestTimeoutAndCancel(t *testing.T) {
	p := writeTest(t, map[string]string{"loop_test.lua": `
test("spins", function() while true do end end)
test("after", function() end)
`})
	rs := runOne(t, p, Options{Timeout: 200 * time.Millisecond})
	require.Len(t, rs, 2)
	require.Equal(t, Error, rs[0].Outcome)
	require.Contains(t, rs[0].Message, "timed out after 200ms")
	require.Equal(t, Pass, rs[1].Outcome, "the next test still runs")
}

// TestClockStarts: the first test of a file starts at the documented
// epoch, each next one on a whole hour at least an hour after the previous
// test ended.
func TestClockStarts(t *testing.T) {
	p := writeTest(t, map[string]string{"c_test.lua": `
local t = require("assert")
test("first", function()
  t.equal(time.format(time.now()), "2026-01-01T00:00:00Z")
  sim.advance("90m")
end)
test("second", function()
  t.equal(time.format(time.now()), "2026-01-01T03:00:00Z")
  t.equal(sim.now(), time.now())
end)
`})
	requirePass(t, runOne(t, p, Options{}))
}

// TestStoppedRunSaysInterrupted: a test stopped because the whole run was
// cancelled (SIGTERM in the CLI) says so, with the cause, not Go's
// "context canceled".
func TestStoppedRunSaysInterrupted(t *testing.T) {
	p := writeTest(t, map[string]string{"loop_test.lua": `test("spins", function() while true do end end)`})
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(errors.New("received terminated")) })
	rs := Run(ctx, []string{p}, Options{})
	require.Len(t, rs, 1)
	require.Equal(t, Error, rs[0].Outcome)
	require.Equal(t, "interrupted (received terminated)", rs[0].Message)
}

// TestOSExitZeroIsNotAPass: os.exit(0) ends a test before its assertions,
// with no error; it is reported as os.exit(1) is, in a test and at a
// file's top level.
func TestOSExitZeroIsNotAPass(t *testing.T) {
	p := writeTest(t, map[string]string{"exit_test.lua": `
test("exits", function() os.exit(0); assert(false) end)
test("after", function() end)
`})
	rs := runOne(t, p, Options{})
	require.Len(t, rs, 2)
	require.Equal(t, Error, rs[0].Outcome)
	require.Equal(t, "os.exit(0) called in a test file", rs[0].Message)
	require.Equal(t, Pass, rs[1].Outcome, "the next test still runs")

	p = writeTest(t, map[string]string{"top_test.lua": "test(\"never\", function() end)\nos.exit(0)\n"})
	rs = runOne(t, p, Options{})
	require.Len(t, rs, 1)
	require.Equal(t, FileName, rs[0].Name)
	require.Equal(t, "os.exit(0) called in a test file", rs[0].Message)
}

// TestAssertionInTaskIsAFailure: an assertion that fails inside a
// fly.parallel task is a failure of the test, not an error; any other
// error of a task keeps the test an error.
func TestAssertionInTaskIsAFailure(t *testing.T) {
	p := writeTest(t, map[string]string{"task_test.lua": `
local t = require("assert")
test("asserts", function() fly.parallel({1, 2, 3}, function(i) t.equal(i, 1) end) end)
test("errs", function() fly.parallel({1, 2}, function(i) if i == 1 then t.equal(i, 2) else error("x") end end) end)
`})
	rs := byName(runOne(t, p, Options{}))
	require.Equal(t, Fail, rs["asserts"].Outcome, rs["asserts"].Message)
	require.Contains(t, rs["asserts"].Message, "fly.parallel: 2 of 3 items failed")
	require.Equal(t, Error, rs["errs"].Outcome, rs["errs"].Message)
}

// TestSummaryOfNothingRunIsNoPass: when --run leaves every test out, the
// summary does not say PASS (the command exits 2).
func TestSummaryOfNothingRunIsNoPass(t *testing.T) {
	var b bytes.Buffer
	WriteSummary(&b, Summarize(nil, 2, time.Second))
	require.Equal(t, "NO TESTS RUN: 0 tests in 2 files (1.00s)\n", b.String())
}

// sim.load of a FIFO blocked the test past its --timeout and Ctrl-C, and of
// /dev/zero read until memory ran out; sim.save to a FIFO blocked too. Each
// is refused, naming the file.
func TestLoadSaveRefuseWhatIsNoFile(t *testing.T) {
	p := writeTest(t, map[string]string{"f_test.lua": `
local t = require("assert")
test("no FIFO, no device", function()
  t.error(function() sim.load("fifo.json") end, "fifo.json: not a regular file %(a named pipe%)")
  t.error(function() sim.load("zero.json") end, "zero.json: not a regular file %(a device%)")
  t.error(function() sim.save("fifo.json") end, "sim.save: cannot write .*fifo.json: not a regular file")
end)
`})
	dir := filepath.Dir(p)
	require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o600))
	require.NoError(t, os.Symlink(os.DevNull, filepath.Join(dir, "zero.json")))
	done := make(chan []Result, 1)
	go func() { done <- Run(context.Background(), []string{p}, Options{Timeout: 5 * time.Second}) }()
	select {
	case rs := <-done:
		requirePass(t, rs)
	case <-time.After(20 * time.Second):
		for _, mode := range []int{os.O_WRONLY, os.O_RDONLY} { // let a blocked open return
			if f, err := os.OpenFile(filepath.Join(dir, "fifo.json"), mode|syscall.O_NONBLOCK, 0); err == nil {
				_ = f.Close()
			}
		}
		t.Fatal("a FIFO given to sim.load or sim.save blocked the test")
	}
}
