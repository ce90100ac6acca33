package flyscript

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// issue13Cases reads testdata/messages/want.txt: script name -> the first
// line of the error flyscript must report (C Lua 5.1's where Lua has the
// case).
func issue13Cases(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "want.txt"))
	require.NoError(t, err)
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, want, ok := strings.Cut(sc.Text(), "\t")
		require.True(t, ok, sc.Text())
		out[name] = want
	}
	require.GreaterOrEqual(t, len(out), 11)
	return out
}

// TestIssue13Messages runs the rows of issue 13's table through the
// embedding API: the *ScriptError's message reads as C Lua 5.1's, and its
// File, Line, Hint and Traceback fields say the same.
func TestIssue13Messages(t *testing.T) {
	t.Parallel()
	for name, want := range issue13Cases(t, "testdata/messages") {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(filepath.Join("testdata/messages", name+".lua"))
			require.NoError(t, err)
			vm, _, _ := newVM(t)
			err = vm.RunSource(t.Context(), name+".lua", src)
			var se *ScriptError
			require.ErrorAs(t, err, &se)
			first, _, _ := strings.Cut(se.Message, "\n")
			assert.Equal(t, want, first)
			file, line, ok := splitLocation(want)
			require.True(t, ok)
			assert.Equal(t, file, se.File)
			assert.Equal(t, line, se.Line)
			syntax := name == "d1" || name == "d8" || name == "d9"
			assert.Equal(t, syntax, se.Syntax)
			if !syntax {
				assert.Contains(t, se.Traceback, "stack traceback:\n")
				assert.Contains(t, se.Traceback, "\t"+name+".lua:")
			}
		})
	}
}

// The fields that only some rows have.
func TestIssue13Fields(t *testing.T) {
	t.Parallel()
	run := func(name string) *ScriptError {
		src, err := os.ReadFile(filepath.Join("testdata/messages", name+".lua"))
		require.NoError(t, err)
		vm, _, _ := newVM(t)
		var se *ScriptError
		require.ErrorAs(t, vm.RunSource(t.Context(), name+".lua", src), &se)
		return se
	}
	// A fly.parallel task: each failed item with its own line, and the
	// task's traceback before the one of where fly.parallel was called.
	se := run("d11")
	assert.Equal(t, "d11.lua:11: fly.parallel: 1 of 3 items failed\n  item 2: d11.lua:6: attempt to index local 'cfg' (a nil value)", se.Message)
	assert.Equal(t, "task stack traceback:\n\td11.lua:6: in function <d11.lua:3>\nstack traceback:\n\td11.lua:11: in main chunk", se.Traceback)
	// A misspelt field gets the near name as its hint.
	assert.Equal(t, "did you mean 'machines'?", run("d13").Hint)
	// error(msg, 2) blames the caller's line; Where is where it was raised.
	se = run("d12")
	assert.Equal(t, 6, se.Line)
	assert.Equal(t, "d12.lua:2", se.Where)
}

// Hints on the `fly` module's own values, against the simulator: a
// misspelt member of a record (whose members are decoded lazily), a member
// the record lacks, a function called with a colon, task.wait().
func TestHintsOnFlyValues(t *testing.T) {
	t.Parallel()
	api := simClient(t)
	vm, _, _ := newVM(t, WithClient(api), WithApp("hints"))
	_, err := vm.Eval(t.Context(), `fly.apps.create{name = "hints", org_slug = "personal"}
		id = fly.machines.create{region = "ord", config = {image = "nginx:1"}}.id`)
	require.NoError(t, err)
	cases := []struct{ src, msg, hint string }{
		{"local m = fly.machines.get(id) return m.confg.image",
			"eval:1: attempt to index field 'confg' (a nil value) (hint: did you mean 'config'?)", "did you mean 'config'?"},
		{"local m = fly.machines.get(id) return m.checks.http",
			"eval:1: attempt to index field 'checks' (a nil value) (hint: this machine has no 'checks': the API leaves out fields it has no value for; test it before use)",
			"this machine has no 'checks': the API leaves out fields it has no value for; test it before use"},
		{"local r = fly.machines:list() return r",
			"eval:1: fly.machines.list: called with a colon, so its first argument is the fly.machines table (hint: call it with a dot: fly.machines.list(...))",
			"call it with a dot: fly.machines.list(...)"},
		{"local t = fly.spawn(function() end) local r = t.wait() return r",
			"eval:1: bad argument #1 to 'wait' (task expected, got nil) (hint: call it with a colon: task:wait())", "call it with a colon: task:wait()"},
		{"local r = fly.machines.lsit() return r",
			"eval:1: attempt to call field 'lsit' (a nil value) (hint: did you mean 'list'?)", "did you mean 'list'?"},
	}
	for _, c := range cases {
		_, err := vm.Eval(t.Context(), c.src)
		var se *ScriptError
		require.ErrorAs(t, err, &se, c.src)
		assert.Equal(t, c.msg, se.Message, c.src)
		assert.Equal(t, c.hint, se.Hint, c.src)
	}
}
