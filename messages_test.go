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
