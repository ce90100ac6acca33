package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A typo in the script's name or a subcommand's is reported as what it is,
// without a token (which would otherwise be asked for first).
func TestMissingScriptOrUnknownCommandBeforeToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "nosuch.lua")
	cases := []struct {
		args       []string
		wantStatus int
		want       string
	}{
		{[]string{missing}, exitFailure, "cannot open " + missing + ": no such file or directory"},
		{[]string{"--app", "web", missing, "x"}, exitFailure, "cannot open " + missing},
		{[]string{dir}, exitFailure, "cannot open " + dir + ": is a directory"},
		{[]string{"tset"}, exitUsage, `unknown command "tset" (and no script file of that name); did you mean "flyscript test"?`},
		{[]string{"pln"}, exitUsage, `did you mean "flyscript plan"?`},
		{[]string{"deploy-everything"}, exitUsage, `unknown command "deploy-everything"`},
		{[]string{"help", "tset"}, exitUsage, `no help for "tset"; did you mean "flyscript help test"?`},
		{[]string{"help", "nosuch"}, exitUsage, `no help for "nosuch": the commands are sim, defs, plan and test`},
		{[]string{"version", "x"}, exitUsage, `too many arguments to "flyscript version"`},
		{[]string{"help", "test", "x"}, exitUsage, `too many arguments to "flyscript help"`},
	}
	for _, c := range cases {
		var out, errOut bytes.Buffer
		code := run(t.Context(), c.args, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
		assert.Equal(t, c.wantStatus, code, "%v: %s", c.args, errOut.String())
		assert.Contains(t, errOut.String(), c.want, c.args)
		assert.NotContains(t, errOut.String(), "token", c.args)
		assert.Empty(t, out.String(), c.args)
	}
	for _, args := range [][]string{{"help", "help"}, {"help", "version"}} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), args, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
		assert.Equal(t, exitOK, code, "%v: %s", args, errOut.String())
		assert.Equal(t, usage, out.String(), args)
	}
}

// TestPipedREPLDotCommands: fed from a pipe, the REPL takes the dot
// commands a terminal session takes (.help, .exit, an unknown one named)
// and lua's =expr, where they were syntax errors.
func TestPipedREPLDotCommands(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{stdin: "=1+1\n.hlep\n.help\n.clear\nprint('x')\n.exit\nprint('not run')\n"}, "--sim", "-i")
	assert.Equal(t, exitOK, r.code, r)
	assert.True(t, strings.HasPrefix(r.stdout, "2\nType Lua at the prompt."), r.stdout)
	assert.True(t, strings.HasSuffix(r.stdout, "\nx\n"), r.stdout)
	assert.Equal(t, "unknown command .hlep (did you mean .help?); .help lists the commands\n", r.stderr)
}
