package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --json prints what a script or an -e chunk returns, one JSON document per
// value and line; records print as their JSON.
func TestJSONOutput(t *testing.T) {
	t.Parallel()
	p := script(t, `
fly.apps.create{ name = "json-app" }
fly.use("json-app")
fly.machines.create{ region = "ord", name = "w1", config = { image = "nginx" } }
return fly.machines.list(), 2, nil, "x"`)
	r := cmd(t, invocation{}, "--sim", "--json", p)
	require.Equal(t, 0, r.code, r)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 4, r.stdout)
	var ms []map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &ms), lines[0])
	require.Len(t, ms, 1)
	assert.Equal(t, "w1", ms[0]["name"])
	assert.Equal(t, "nginx", ms[0]["config"].(map[string]any)["image"])
	assert.Equal(t, []string{"2", "null", `"x"`}, lines[1:])

	// -e: an expression is returned; statements print only what they return
	r = cmd(t, invocation{}, "--sim", "--json", "-e", `fly.apps.create{ name = "e-app" }`, "-e", `fly.apps.list()`, "-e", `local n = 1`)
	require.Equal(t, 0, r.code, r)
	var apps []map[string]any
	lines = strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 2, r.stdout, "the create's {id, created_at}, then the list")
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &apps))
	assert.Equal(t, "e-app", apps[0]["name"])

	r = cmd(t, invocation{}, "--sim", "--json", "-e", `print`)
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "flyscript: --json: returned value 1:")

	r = cmd(t, invocation{}, "--sim", "-e", `return 1`)
	assert.Equal(t, "", r.stdout, "without --json nothing is printed")
}

// --rate-limits off (with a space or =) turns off the client's pacing and
// the in-process simulator's limits; --trace shows each wait while on.
func TestRateLimitsFlag(t *testing.T) {
	t.Parallel()
	src := `fly.apps.create{ name = "rl-app" } fly.use("rl-app")
for i = 1, 4 do fly.machines.create{ region = "ord", config = { image = "nginx" } } end`
	start := time.Now()
	r := cmd(t, invocation{}, "--sim", "--trace", "-e", src)
	require.Equal(t, 0, r.code, r)
	assert.GreaterOrEqual(t, time.Since(start), 1500*time.Millisecond, "paced: 1/s with bursts of 2")
	assert.Contains(t, r.stderr, "trace: POST /v1/apps/rl-app/machines waits ")
	assert.Contains(t, r.stderr, "for the client's rate limit")

	for _, args := range [][]string{{"--rate-limits", "off"}, {"--rate-limits=off"}} {
		start = time.Now()
		r = cmd(t, invocation{}, append(append([]string{"--sim", "--trace"}, args...), "-e", src)...)
		require.Equal(t, 0, r.code, r)
		assert.Less(t, time.Since(start), time.Second, "%v: not paced", args)
		assert.NotContains(t, r.stderr, "rate limit", "%v", args)
	}
	r = cmd(t, invocation{}, "--rate-limits", "maybe", "--sim", "-e", "")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `want on or off, got "maybe"`)
}

// `flyscript version` and `flyscript help` need no token.
func TestVersionAndHelpWords(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	code := run(t.Context(), []string{"version"}, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, versionText(), out.String())
	out.Reset()
	code = run(t.Context(), []string{"help"}, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
	require.Equal(t, 0, code, errOut.String())
	assert.Equal(t, usage, out.String())
	assert.Empty(t, errOut.String())

	out.Reset()
	code = run(t.Context(), []string{"help", "sim"}, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String()+errOut.String(), "usage: flyscript sim [flags]", "help of a subcommand")
}

// -i after the script name is the script's argument, as --help says.
func TestInteractiveFlagPlacement(t *testing.T) {
	t.Parallel()
	assert.Contains(t, usage, "after it,\n                     -i is an argument of the script")
	p := script(t, `print(select("#", ...), ...)`)
	r := cmd(t, invocation{}, "--sim", p, "-i")
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "1\t-i\n", r.stdout)
}

// The simulator's state file is --sim-state for the runner and for
// `flyscript sim` alike; sim's old --state still works.
func TestSimStateOneSpelling(t *testing.T) {
	state := filepath.Join(t.TempDir(), "s.json")
	base, stderr, stop := runSim(t, "--listen", "127.0.0.1:0", "--sim-state", state, "--rate-limits", "off")
	assert.Contains(t, stderr.String(), "state in "+state)
	assert.Contains(t, stderr.String(), "rate limits off")
	code, _ := simCall(t, "POST", base+"/v1/apps", "sim", map[string]any{"name": "kept", "org_slug": "personal"}, "")
	require.Equal(t, 201, code)
	require.Equal(t, 0, stop())
	_, err := os.Stat(state)
	require.NoError(t, err)
	r := cmd(t, invocation{}, "--sim-state", state, "-e", `print(fly.apps.get("kept").name)`)
	require.Equal(t, 0, r.code, r)
	assert.Equal(t, "kept\n", r.stdout)
}

// At the prompt: records and modules print short, help knows app handles,
// types, options with defaults, examples and REST operations.
func TestREPLPrintsShortAndHelpsFully(t *testing.T) {
	t.Parallel()
	setup := script(t, `fly.apps.create{ name = "repl-app" } fly.use("repl-app")
for i = 1, 20 do fly.machines.create{ region = "ord", name = "w" .. i, config = { image = "nginx:1.27" } } end`)
	lines := strings.Join([]string{
		`fly.use("repl-app")`,
		`fly.machines.list()`,
		`help(fly.app("repl-app").machines.wait)`,
		`help("fly.MachineConfig")`,
		`inspect({ a = { b = 1 } }, { depth = 1 })`,
	}, "\n") + "\n"
	r := cmd(t, invocation{stdin: lines}, "--sim", "--rate-limits", "off", "-i", setup)
	require.Equal(t, 0, r.code, r)
	out := r.stdout
	assert.Contains(t, out, `<app handle "repl-app": certificates, ips, leases, machines, metadata, secretkeys, secrets, volumes>`+"\n")
	assert.Regexp(t, `(?m)^ID +NAME +REGION +STATE +IMAGE +UPDATED$`, out)
	assert.Contains(t, out, "(20 machines; inspect(_) shows every field)")
	assert.Less(t, strings.Count(out, "\n"), 80, "20 machines in about 20 lines, not a thousand")
	assert.Contains(t, out, "fly.machines.wait(id, state?, opts?) -> result")
	assert.Regexp(t, `(?m)^  timeout: duration +how long to wait in all \(default 60\)$`, out)
	assert.Contains(t, out, "Example:\n  fly.machines.wait(m, \"started\", { timeout = \"2m\" })")
	assert.Contains(t, out, "REST: GET /v1/apps/{app_name}/machines/{machine_id}/wait")
	assert.Regexp(t, `(?m)^  image: string +The docker image to run$`, out)
	assert.Contains(t, out, "\n{ a = {...} }\n", "inspect's text printed as it is, not quoted")
}
