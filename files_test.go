package flyscript

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openFiles counts the process's open descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(entries)
}

// Files a script leaves open are closed with its VM (they stayed open
// until the garbage collector found them), and what was written to them
// is flushed.
func TestCloseClosesFilesLeftOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(path, []byte("one\ntwo\n"), 0o644))
	// No collection meanwhile: the collector closes lost files too.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	runtime.GC()
	before := openFiles(t)
	for i := range 50 {
		vm, err := New()
		require.NoError(t, err)
		src := `local path, i = ...
			f = io.open(path .. ".out" .. i, "w") f:write("written")
			lines = io.lines(path) lines()
			io.input(path)
			io.output(path .. ".o" .. i)
			closed = io.open(path) closed:close()
			for i = 1, 70 do io.open(path):close() end`
		require.NoError(t, vm.RunSource(t.Context(), "files.lua", []byte(src), path, strconv.Itoa(i)))
		vm.Close()
	}
	assert.LessOrEqual(t, openFiles(t), before+5, "descriptors left open")
	b, err := os.ReadFile(path + ".out49")
	require.NoError(t, err)
	assert.Equal(t, "written", string(b), "flushed at Close")
}
