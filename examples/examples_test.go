// Package examples holds complete flyscript scripts. This test runs each of
// them against the simulator and compares its output with a golden file.
package examples

import (
	"bytes"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/testrun"
	"github.com/flyscript/flyscript/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// runs lists how each example is run in the test: its arguments. Every
// examples/*.lua must have an entry (TestEveryExampleRuns checks it).
var runs = map[string][]string{
	"quickstart.lua":             nil,
	"rolling_restart.lua":        {"1m"},
	"rolling_update.lua":         {"nginx:1.28", "1024"},
	"blue_green.lua":             {"registry.fly.io/demo:v2"},
	"scale_regions.lua":          {"ord=1,ams=2,syd=0,fra=1"},
	"cleanup_stopped.lua":        {"24"},
	"volume_snapshot_extend.lua": {"data", "20"},
	"rotate_secrets.lua":         {"SESSION_KEY", "API_SIGNING_KEY"},
	"exec_report.lua":            {"printenv", "APP_ENV"},
	"rolling_image_update.lua":   {"registry.fly.io/demo:v2"},
}

// shortTimings keep every transient state for a little while.
var shortTimings = sim.Timings{
	Launch: 2 * time.Millisecond, Start: 3 * time.Millisecond, Stop: 3 * time.Millisecond,
	Suspend: 3 * time.Millisecond, Restart: 4 * time.Millisecond, Update: 4 * time.Millisecond,
	Destroy: 3 * time.Millisecond, Snapshot: 5 * time.Millisecond,
}

// epoch is where the simulator's fake clock starts.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// world is one simulator with a client and the fake clock both share.
type world struct {
	clock *sim.FakeClock
	api   *client.Client
}

// newWorld starts a simulator on a fake clock where transitions are
// instant, or, with real, on the wall clock with transitions of a few
// milliseconds: the scripts must then wait for every state they need.
func newWorld(t *testing.T, real bool) *world {
	t.Helper()
	clock := sim.NewFakeClock(epoch)
	opts := []sim.Option{sim.WithClock(clock), sim.WithTimings(sim.InstantTimings()), sim.WithSeed(1)}
	if real {
		opts = []sim.Option{sim.WithTimings(shortTimings), sim.WithSeed(1)}
	}
	s := sim.New(opts...)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithoutRateLimits())
	require.NoError(t, err)
	return &world{clock: clock, api: api}
}

// run runs one script in a fresh VM on the world and returns what it
// printed, stdout then stderr, and its error.
func (w *world) run(t *testing.T, script string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	vm, err := flyscript.New(
		flyscript.WithClient(w.api),
		flyscript.WithApp("demo"),
		flyscript.WithStdout(&out),
		flyscript.WithStderr(&errOut),
		flyscript.WithClock(w.clock.Now),
		flyscript.WithEnv(nil),
	)
	require.NoError(t, err)
	defer vm.Close()
	require.NoError(t, vm.Expose("advance", func(d string) error {
		dur, err := time.ParseDuration(d)
		if err == nil {
			w.clock.Advance(dur)
		}
		return err
	}))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	err = vm.Run(ctx, script, args...)
	return out.String(), errOut.String(), err
}

func TestExamples(t *testing.T) {
	t.Parallel()
	t.Run("fake clock", func(t *testing.T) { t.Parallel(); testExamples(t, false) })
	t.Run("real clock", func(t *testing.T) { t.Parallel(); testExamples(t, true) })
}

// testExamples runs every example and compares its output with the golden
// file. On the real clock, where transitions take time, the output must be
// the same; examples whose setup moves the clock only run on the fake one.
func testExamples(t *testing.T, real bool) {
	for name, args := range runs {
		t.Run(strings.TrimSuffix(name, ".lua"), func(t *testing.T) {
			t.Parallel()
			setup := filepath.Join("testdata", strings.TrimSuffix(name, ".lua")+".setup.lua")
			if src, err := os.ReadFile(setup); real && err == nil && strings.Contains(string(src), "advance(") {
				t.Skip("the setup moves the simulator's clock")
			}
			w := newWorld(t, real)
			if _, err := os.Stat(setup); err == nil {
				out, errOut, err := w.run(t, setup)
				require.NoError(t, err, "setup: %s%s", out, errOut)
			}
			out, errOut, err := w.run(t, name, args...)
			got := out
			if errOut != "" {
				got += "--- stderr\n" + errOut
			}
			if err != nil {
				got += "--- error\n" + err.Error() + "\n"
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(name, ".lua")+".golden")
			if *update && !real {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			if *update {
				return
			}
			want, rerr := os.ReadFile(golden)
			require.NoError(t, rerr, "no golden file: run go test ./examples/ -update")
			if !real {
				assert.Equal(t, string(want), got)
				return
			}
			// Identifiers depend on the order of the simulator's random
			// draws, which timing changes: compare the shape and the outcome.
			assert.Equal(t, strings.Count(string(want), "\n"), strings.Count(got, "\n"), got)
			_, wantErr, _ := strings.Cut(string(want), "--- error\n")
			_, gotErr, _ := strings.Cut(got, "--- error\n")
			assert.Equal(t, wantErr, gotErr)
		})
	}
}

// exampleFiles lists the examples: every examples/*.lua but the tests of
// `flyscript test` (*_test.lua).
func exampleFiles(t *testing.T) []string {
	t.Helper()
	all, err := filepath.Glob("*.lua")
	require.NoError(t, err)
	var files []string
	for _, f := range all {
		if !strings.HasSuffix(f, testrun.Suffix) {
			files = append(files, f)
		}
	}
	return files
}

// TestExampleTests runs examples/*_test.lua as `flyscript test examples`
// does, and holds every example to having tests of its own.
func TestExampleTests(t *testing.T) {
	t.Parallel()
	files, err := testrun.Discover([]string{"."})
	require.NoError(t, err)
	for _, f := range exampleFiles(t) {
		assert.Contains(t, files, strings.TrimSuffix(f, ".lua")+testrun.Suffix, "%s has no tests", f)
	}
	for _, r := range testrun.Run(context.Background(), files, testrun.Options{Timeout: time.Minute}) {
		assert.Equal(t, testrun.Pass, r.Outcome, "%s: %s: %s %s\n%s%s", r.File, r.Name, r.Where, r.Message, r.Traceback, r.Output)
	}
}

func TestEveryExampleRuns(t *testing.T) {
	t.Parallel()
	files := exampleFiles(t)
	require.GreaterOrEqual(t, len(files), 8)
	var missing []string
	for _, f := range files {
		if _, ok := runs[f]; !ok {
			missing = append(missing, f)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "examples without an entry in runs")
	for name := range runs {
		assert.FileExists(t, name)
	}
}

// TestExamplesAreDocumented holds every example to the house style: a
// shebang, then a comment saying what it does and how to run it.
func TestExamplesAreDocumented(t *testing.T) {
	t.Parallel()
	files := exampleFiles(t)
	for _, f := range files {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		lines := strings.Split(string(src), "\n")
		require.Greater(t, len(lines), 3, f)
		assert.Equal(t, "#!/usr/bin/env flyscript", lines[0], f)
		assert.True(t, strings.HasPrefix(lines[1], "-- "+f+": "), "%s: the second line names the file and says what it does", f)
		assert.Contains(t, string(src), "flyscript ", "%s: the header shows how to run it", f)
	}
}

// A machine that fails on the new image is rolled back at once (the wait
// does not sit out its timeout), and the script stops there.
func TestRollingImageUpdateRollsBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t, true)
	_, _, err := w.run(t, filepath.Join("testdata", "rolling_image_update.setup.lua"))
	require.NoError(t, err)
	start := time.Now()
	out, errOut, err := w.run(t, "rolling_image_update.lua", "registry.fly.io/sim-fail:v2", "10m")
	assert.Less(t, time.Since(start), time.Minute, "a failed machine ends the wait at once")
	var exit *flyscript.ExitError
	require.ErrorAs(t, err, &exit, errOut)
	assert.Equal(t, 1, exit.Code)
	// Identifiers, and so the order of the machines, depend on timing:
	// the stopped machine may come before the failing one or not at all.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.GreaterOrEqual(t, len(lines), 3, out)
	assert.Regexp(t, `^\[[12]/3\] \w+ \w+: terminal_state, rolled back to registry.fly.io/demo:v1 \(started\)$`, lines[len(lines)-2])
	assert.Equal(t, "stopped: the remaining machines keep their image", lines[len(lines)-1])
	for _, l := range lines[1 : len(lines)-2] {
		assert.Regexp(t, `^\[1/3\] \w+ ord: registry.fly.io/demo:v1 -> registry.fly.io/sim-fail:v2 \(stopped, 2 env vars kept\)$`, l, "the stopped machine is patched and stays stopped")
	}
}
