package main

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/soak"
)

// A sandboxed script reads no environment variable unless --env names it:
// the token, above all, stays with the host.
func TestSandboxSeesOnlyNamedEnv(t *testing.T) {
	t.Parallel()
	env := []string{"HOME=" + t.TempDir(), "FLY_API_TOKEN=" + fakeToken, "REGION=ord", "OTHER=x"}
	show := `print(os.getenv("FLY_API_TOKEN") and os.getenv("FLY_API_TOKEN"):reverse(), env.get("REGION"), os.getenv("OTHER"))`

	r := cmd(t, invocation{env: env}, "--sim", "--sandbox", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tnil\tnil\n", r.stdout)

	r = cmd(t, invocation{env: env}, "--sim", "--sandbox", "--env", "REGION", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tord\tnil\n", r.stdout)

	r = cmd(t, invocation{env: env}, "--sim", "--env", "REGION", "--env", "OTHER", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tord\tx\n", r.stdout, "--env restricts outside the sandbox too")

	r = cmd(t, invocation{env: env}, "--sim", "-e", `print(os.getenv("OTHER"))`)
	assert.Equal(t, "x\n", r.stdout, "without --sandbox or --env the whole environment is seen")
}

// SIGTERM and SIGHUP end a real flyscript process exactly as SIGINT does
// (leases released, tasks cancelled, within a second) with 143 and 129.
func TestStopSignalsEndTheProcess(t *testing.T) {
	t.Parallel()
	signals := []struct {
		sig  syscall.Signal
		code int
		says string
	}{
		{syscall.SIGTERM, 143, "terminated (SIGTERM)"},
		{syscall.SIGHUP, 129, "hangup (SIGHUP)"},
	}
	for _, sg := range signals {
		for _, c := range interruptCases {
			if !c.leases {
				continue
			}
			t.Run(sg.sig.String()+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				s := startWatchedSim(t)
				api := relAPI(t, s.URL)
				ids := relMachines(t, api, c.tasks)
				p := startProc(t, nil, "--api-url", s.URL, "--token", soak.Token, "--app", "rel", "-e", c.script(ids))
				require.NoError(t, s.WaitFor(c.after(ids), c.count, 20*time.Second))
				held, err := soak.LeasesHeld(t.Context(), api, "rel", ids)
				require.NoError(t, err)
				require.Len(t, held, len(ids), "the script holds the leases")
				sent := time.Now()
				require.NoError(t, p.cmd.Process.Signal(sg.sig))
				code := p.wait(t, 10*time.Second)
				took := p.exitedAt.Sub(sent)
				t.Logf("exit %d %s after %s", code, took.Round(time.Millisecond), sg.sig)
				assert.Equal(t, sg.code, code, p.output())
				assert.Less(t, took, time.Second)
				assert.Contains(t, p.stderr.String(), sg.says)
				assertLeasesReleased(t, api, ids)
			})
		}
	}
}

// A script that prints part of the token (a slice, one macaroon) prints
// [REDACTED] instead: any run of 16 or more of its characters is hidden.
func TestPartialTokenRedacted(t *testing.T) {
	t.Parallel()
	const tok = "FlyV1 fm2_lJPECAAAAAAAAMa0xBCuWbcdefghijklmnop,fm2_lJPETHEsecondMACAROONabcdefghij12345"
	env := []string{"HOME=" + t.TempDir(), "FLY_API_TOKEN=" + tok}
	r := cmd(t, invocation{env: env}, "--sim", "-e", `local t = os.getenv("FLY_API_TOKEN")
print(t:sub(7, 30)) print(t:sub(48)) print(t:sub(20, 35)) print(t:sub(20, 34))`)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "[REDACTED]\n[REDACTED]\n[REDACTED]\n"+tok[19:34]+"\n", r.stdout, "15 characters are not a run")
}

// --max-memory ends a growing script with a clear error; string.rep of
// 10 GB fails at once under the default budget instead of ending the
// process; a bad size is a usage error.
func TestMaxMemory(t *testing.T) {
	r := cmd(t, invocation{}, "--sim", "-e", `print(#string.rep("x", 1e10))`)
	assert.Equal(t, exitFailure, r.code, r)
	assert.Contains(t, r.stderr, "string.rep: the result would take 9.3 GiB")
	assert.Contains(t, r.stderr, "memory budget of 1 GiB")

	r = cmd(t, invocation{}, "--sim", "--max-memory", "96MiB", "-e", `local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(10000) .. i end`)
	assert.Equal(t, exitFailure, r.code, r)
	assert.Regexp(t, `memory limit exceeded: the run grew the heap by [0-9.]+ MiB, past its budget of 96 MiB`, r.stderr)

	r = cmd(t, invocation{}, "--sim", "--sandbox", "-e", `print(#string.rep("x", 3e8))`)
	assert.Contains(t, r.stderr, "memory budget of 256 MiB", "the sandbox's default")

	r = cmd(t, invocation{}, "--sim", "--max-memory", "0", "-e", `print(#string.rep("x", 3e8))`)
	assert.Equal(t, "300000000\n", r.stdout, "0 means no budget")

	r = cmd(t, invocation{}, "--sim", "--max-memory", "lots", "-e", `print(1)`)
	assert.Equal(t, exitUsage, r.code, r)
	assert.Contains(t, r.stderr, `invalid value "lots" for flag --max-memory: "lots" is not a size`)
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{"0": 0, "512MiB": 512 << 20, "2GiB": 2 << 30, "2G": 2 << 30, "300m": 300 << 20, "64k": 64 << 10, "1.5GB": 3 << 29, "1000": 1000} {
		got, err := parseSize(in)
		assert.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	// NaN passed (every comparison with it is false) and became a negative
	// budget that New refused as "flyscript: flyscript: WithMemoryLimit(...)".
	for _, bad := range []string{"", "-1M", "lots", "1TB", "NaN", "nanMiB", "inf", "-inf", "+Inf"} {
		_, err := parseSize(bad)
		assert.Error(t, err, bad)
	}
}

// A script read from a pipe that sends nothing (`tail -f log | flyscript -`
// by mistake) does not hold the process: SIGTERM ends it at once with 143,
// and an endless pipe is cut off at what the memory budget can compile.
func TestScriptFromStdinIsBounded(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer w.Close()
	p := startProcFiles(t, r, nil, nil, "--sim", "-")
	require.NoError(t, r.Close())
	_, err = io.WriteString(w, "print('never run')\n")
	require.NoError(t, err)
	time.Sleep(300 * time.Millisecond) // reading stdin by now
	sent := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	code := p.wait(t, 10*time.Second)
	assert.Equal(t, exitTerminated, code, p.output())
	assert.Less(t, p.exitedAt.Sub(sent), 5*time.Second)
	assert.Equal(t, "flyscript: terminated (SIGTERM)\n", p.stderr.String())
	assert.Empty(t, p.stdout.String())

	res := cmd(t, invocation{stdin: strings.Repeat(" ", 1<<20)}, "--sim", "--max-memory", "64MiB", "-")
	assert.Equal(t, exitFailure, res.code, res)
	assert.Equal(t, "flyscript: stdin: compiling more than 569.9 KiB of source would take more than 64 MiB, more than the run's memory budget of 64 MiB\n", res.stderr)
}

// A script whose stdout nobody reads (a pipe full: `flyscript ... | stuck`)
// blocks in a write, where no context reaches: SIGTERM held nothing and the
// process waited for SIGKILL (no lease released, no word). It exits with
// 143 stopGrace after the signal, saying why.
func TestSIGTERMEndsAProcessBlockedOnOutput(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close() // never read: the pipe fills
	p := startProcFiles(t, nil, w, nil, "--sim", "-e", `while true do print(string.rep("x", 1000)) end`)
	require.NoError(t, w.Close())
	time.Sleep(500 * time.Millisecond) // the pipe is full by now
	sent := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	code := p.wait(t, stopGrace+15*time.Second)
	assert.Equal(t, exitTerminated, code, p.stderr.String())
	took := p.exitedAt.Sub(sent)
	assert.GreaterOrEqual(t, took, stopGrace-time.Second)
	assert.Contains(t, p.stderr.String(), "flyscript: terminated (SIGTERM); still stopping after 9s (output blocked?), exiting")
}
