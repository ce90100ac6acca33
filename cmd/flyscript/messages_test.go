package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIssue13Messages runs the rows of issue 13's table with the runner
// (../../testdata/messages, see its README): stderr starts with
// "flyscript: " and C Lua 5.1's message, a runtime error is followed by its
// traceback, and -e reports "(command line):1:".
func TestIssue13Messages(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "testdata", "messages")
	f, err := os.Open(filepath.Join(dir, "want.txt"))
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	rows := 0
	for sc.Scan() {
		name, want, _ := strings.Cut(sc.Text(), "\t")
		rows++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(filepath.Join(dir, name+".lua"))
			require.NoError(t, err)
			p := filepath.Join(t.TempDir(), name+".lua")
			require.NoError(t, os.WriteFile(p, src, 0o644))
			r := cmd(t, invocation{}, "--sim", p)
			assert.Equal(t, exitFailure, r.code, r)
			first, rest, _ := strings.Cut(r.stderr, "\n")
			assert.Equal(t, "flyscript: "+strings.Replace(want, name+".lua", p, 1), first)
			syntax := strings.Contains(want, " near '")
			assert.Equal(t, !syntax, strings.Contains(rest, "stack traceback:\n"), r.stderr)
		})
	}
	require.GreaterOrEqual(t, rows, 11)

	r := cmd(t, invocation{}, "--sim", "-e", "x = = 1")
	assert.Equal(t, "flyscript: (command line):1: unexpected symbol near '='\n", r.stderr)
	r = cmd(t, invocation{}, "--sim", "-e", "undefinedfn()")
	assert.True(t, strings.HasPrefix(r.stderr, "flyscript: (command line):1: attempt to call global 'undefinedfn' (a nil value)\n"), r.stderr)
}

// TestParallelGivenAMapNamesTheCaller: fly.parallel's refusal of a map is
// located at the line that called it, as its other argument errors are.
func TestParallelGivenAMapNamesTheCaller(t *testing.T) {
	t.Parallel()
	r := cmd(t, invocation{}, "--sim", "-e", "fly.parallel({ a = 1 }, print)")
	assert.Equal(t, exitFailure, r.code, r)
	assert.True(t, strings.HasPrefix(r.stderr, `flyscript: (command line):1: bad argument #1 to 'fly.parallel' (list expected, got a table with key "a")`+"\n"), r.stderr)
	p := script(t, "local function f()\n  fly.parallel({ x = 1 }, print)\nend\nf()\n")
	r = cmd(t, invocation{}, "--sim", p)
	assert.True(t, strings.HasPrefix(r.stderr, "flyscript: "+p+`:2: bad argument #1 to 'fly.parallel'`), r.stderr)
}
