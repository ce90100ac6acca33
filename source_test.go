//go:build unix

package flyscript

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endless is a reader that never ends, as /dev/zero or `yes` are.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// An endless stream given as a script is cut off at what the run's budget
// can compile, with an error saying so, instead of being read until the
// host runs out of memory; without a budget at MaxSourceWithoutBudget.
func TestRunReaderStopsAnEndlessStream(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t, WithMemoryLimit(16<<20))
	err := vm.RunReader(t.Context(), "stdin", endless{})
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Equal(t, "stdin: compiling more than 142.5 KiB of source would take more than 16 MiB, more than the run's memory budget of 16 MiB", err.Error())

	vm, out, _ := newVM(t, WithMemoryLimit(16<<20))
	require.NoError(t, vm.RunReader(t.Context(), "stdin", strings.NewReader(`print("read", ...)`), "a"))
	assert.Equal(t, "read\ta\n", out.String())

	vm, _, _ = newVM(t)
	start := time.Now()
	err = vm.RunReader(t.Context(), "stdin", endless{})
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Equal(t, "stdin: more than 128 MiB of source (the most a script may have without a memory budget)", err.Error())
	t.Logf("cut off after %s", time.Since(start))
}

// Cancelling the context stops a run still reading its script: a pipe that
// sends nothing does not hold the run (Ctrl-C, --timeout).
func TestRunReaderHonoursTheContext(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	r := silent{closed: make(chan struct{})}
	defer close(r.closed)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- vm.RunReader(ctx, "stdin", r) }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "stdin: stopped while reading the script")
	case <-time.After(10 * time.Second):
		t.Fatal("RunReader did not return when its context ended")
	}
}

// Run reads its file within the context too (a FIFO blocks in open until a
// writer comes), and refuses a file that is no regular file and never
// ends, or a regular one too large for the budget, before compiling it.
func TestRunFileBounds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := dir + "/fifo.lua"
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	vm, _, _ := newVM(t)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- vm.Run(ctx, fifo) }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return when its context ended")
	}
	// Let the abandoned open return.
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		_ = w.Close()
	}

	if _, err := os.Stat("/dev/zero"); err == nil {
		vm, _, _ := newVM(t, WithMemoryLimit(16<<20))
		err := vm.Run(t.Context(), "/dev/zero")
		require.ErrorIs(t, err, ErrMemoryLimit)
		assert.Contains(t, err.Error(), "/dev/zero: compiling more than 142.5 KiB of source")
	}

	big := writeFile(t, dir, "big.lua", strings.Repeat("x = 1 ", 50_000))
	vm, _, _ = newVM(t, WithMemoryLimit(16<<20))
	err := vm.Run(t.Context(), big)
	require.ErrorIs(t, err, ErrMemoryLimit)
	assert.Equal(t, big+": compiling 293 KiB of source would take about 32.9 MiB, more than the run's memory budget of 16 MiB", err.Error())

	err = vm.Run(t.Context(), dir)
	require.Error(t, err)
	assert.Equal(t, "cannot open "+dir+": is a directory", err.Error())
	err = vm.Run(t.Context(), dir+"/none.lua")
	assert.Equal(t, "cannot open "+dir+"/none.lua: no such file or directory", err.Error())
}
