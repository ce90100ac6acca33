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
	"github.com/flyscript/flyscript/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with the current output")

// runs lists how each example is run in the test: its arguments. Every
// examples/*.lua must have an entry (TestEveryExampleRuns checks it).
var runs = map[string][]string{
	"quickstart.lua":             nil,
	"rolling_restart.lua":        {"1m"},
	"blue_green.lua":             {"registry.fly.io/demo:v2"},
	"scale_regions.lua":          {"ord=1,ams=2,syd=0,fra=1"},
	"cleanup_stopped.lua":        {"24"},
	"volume_snapshot_extend.lua": {"data", "20"},
	"rotate_secrets.lua":         {"SESSION_KEY", "API_SIGNING_KEY"},
	"exec_report.lua":            {"printenv", "APP_ENV"},
}

// epoch is where the simulator's fake clock starts.
var epoch = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// world is one simulator with a client and the fake clock both share.
type world struct {
	clock *sim.FakeClock
	api   *client.Client
}

func newWorld(t *testing.T) *world {
	t.Helper()
	clock := sim.NewFakeClock(epoch)
	s := sim.New(sim.WithClock(clock), sim.WithTimings(sim.InstantTimings()), sim.WithSeed(1))
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
	for name, args := range runs {
		t.Run(strings.TrimSuffix(name, ".lua"), func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			setup := filepath.Join("testdata", strings.TrimSuffix(name, ".lua")+".setup.lua")
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
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, rerr := os.ReadFile(golden)
			require.NoError(t, rerr, "no golden file: run go test ./examples/ -update")
			assert.Equal(t, string(want), got)
		})
	}
}

func TestEveryExampleRuns(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.lua")
	require.NoError(t, err)
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
	files, err := filepath.Glob("*.lua")
	require.NoError(t, err)
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
