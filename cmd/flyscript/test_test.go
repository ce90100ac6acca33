package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func flyscriptTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"test"}, args...), strings.NewReader(""), &stdout, &stderr, nil)
	return code, stdout.String(), stderr.String()
}

func testDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	return dir
}

func TestTestCommandExitCodes(t *testing.T) {
	pass := testDir(t, map[string]string{"a_test.lua": `test("one", function() require("assert").equal(1, 1) end)`})
	code, out, errOut := flyscriptTest(t, pass)
	require.Equal(t, 0, code, "%s%s", out, errOut)
	require.Contains(t, out, "ok    "+filepath.Join(pass, "a_test.lua")+"\t1 test")
	require.Contains(t, out, "PASS: 1 test in 1 file")

	fail := testDir(t, map[string]string{
		"a_test.lua":     `test("one", function() require("assert").equal(1, 2) end)`,
		"sub/b_test.lua": `test("two", function() end)`,
	})
	code, out, _ = flyscriptTest(t, fail)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "--- FAIL: one")
	require.Contains(t, out, filepath.Join(fail, "a_test.lua")+":1: assert.equal: expected 2, got 1")
	require.Contains(t, out, "FAIL: 1 failed, 0 errors, 1 passed, in 2 files")

	code, _, errOut = flyscriptTest(t, t.TempDir())
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "no test files")
	code, _, errOut = flyscriptTest(t, "--run", "(", pass)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "invalid --run")
	code, _, errOut = flyscriptTest(t, "--run", "nothing", pass)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, `no test matches --run "nothing"`)
	code, _, errOut = flyscriptTest(t, filepath.Join(pass, "missing"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "missing")
	code, _, _ = flyscriptTest(t, "--parallel", "0", pass)
	require.Equal(t, 2, code)

	empty := testDir(t, map[string]string{"e_test.lua": `local x = 1`})
	code, out, _ = flyscriptTest(t, empty)
	require.Equal(t, 1, code)
	require.Contains(t, out, "--- ERROR: "+filepath.Join(empty, "e_test.lua"))
	require.Contains(t, out, "no tests")
}

func TestTestCommandReports(t *testing.T) {
	dir := testDir(t, map[string]string{"a_test.lua": `
test("passes", function() print("quiet") end)
test("fails", function() assert(false, "boom") end)
test("errors", function() error("bad") end)
`})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, _ := flyscriptTest(t, "-v", "--junit", junit, dir)
	require.Equal(t, 1, code)
	require.Contains(t, out, "--- PASS: passes")
	require.Contains(t, out, "    | quiet")
	raw, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	require.NoError(t, xml.Unmarshal(raw, &doc), string(raw))
	require.Equal(t, 3, doc.Tests)
	require.Equal(t, 1, doc.Failures, "Lua's assert is a failure")
	require.Equal(t, 1, doc.Errors)
	require.Contains(t, string(raw), `<failure message="boom" type="assertion">`)

	code, out, _ = flyscriptTest(t, "--json", "--run", "passes", dir)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 1)
	require.Contains(t, lines[0], `"name":"passes","outcome":"pass"`)

	code, _, errOut := flyscriptTest(t, "--junit", filepath.Join(dir, "no", "such", "dir.xml"), dir)
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "cannot write --junit file")
}

// TestTestCommandHidesTokens: tests never see the API token, and output
// would not show it anyway.
func TestTestCommandHidesTokens(t *testing.T) {
	const token = "FlyV1 fm2_lJPECAAAAAAAAAAAxBAsecretsecretsecret0123456789"
	dir := testDir(t, map[string]string{"a_test.lua": `
test("env", function()
  print(env.get("FLY_API_TOKEN", "absent"))
  print(os.getenv("FLY_ACCESS_TOKEN") or "absent")
  error("token: fm2_lJPECAAAAAAAAAAAxBAsecretsecretsecret0123456789")
end)
`})
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"test", "-v", dir}, strings.NewReader(""), &stdout, &stderr,
		[]string{"FLY_API_TOKEN=" + token, "FLY_ACCESS_TOKEN=" + token})
	require.Equal(t, 1, code)
	out := stdout.String() + stderr.String()
	require.Contains(t, out, "| absent\n    | absent")
	require.NotContains(t, out, "secretsecret")
}

// A signal stops the tests with the status of that signal, as it stops a
// script: 130 for SIGINT, 143 for SIGTERM (CI cancelling a job), 129 for
// SIGHUP.
func TestTestCommandSignalStatus(t *testing.T) {
	dir := testDir(t, map[string]string{"spin_test.lua": `test("spin", function() while true do end end)`})
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		says string
	}{
		{syscall.SIGINT, exitInterrupted, "interrupted"},
		{syscall.SIGTERM, exitTerminated, "terminated (SIGTERM)"},
		{syscall.SIGHUP, exitHangup, "hangup (SIGHUP)"},
	} {
		t.Run(c.sig.String(), func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			timer := time.AfterFunc(200*time.Millisecond, func() { cancel(&signalError{sig: c.sig}) })
			defer timer.Stop()
			var stdout, stderr bytes.Buffer
			code := run(ctx, []string{"test", dir}, strings.NewReader(""), &stdout, &stderr, nil)
			require.Equal(t, c.code, code, "%s%s", stdout.String(), stderr.String())
			require.Contains(t, stderr.String(), c.says)
		})
	}
}

// TestTestCommandFlagsAfterPaths: as with go test, flags may follow the
// paths; after "--" everything is a path.
func TestTestCommandFlagsAfterPaths(t *testing.T) {
	dir := testDir(t, map[string]string{"a_test.lua": `test("one", function() end) test("two", function() error("x") end)`})
	code, out, errOut := flyscriptTest(t, dir, "--run", "one", "-v")
	require.Equal(t, 0, code, "%s%s", out, errOut)
	require.Contains(t, out, "--- PASS: one")
	require.NotContains(t, out, "two")
	code, _, errOut = flyscriptTest(t, "--run", "one", "--", dir, "-v")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "-v: no such file or directory", "after --, -v is a path")
}
