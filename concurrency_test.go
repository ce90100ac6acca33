package flyscript

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runInBackground starts src on vm in a goroutine and returns once the
// script has called started(); the channel gives Run's error.
func runInBackground(t *testing.T, vm *VM, src string) <-chan error {
	t.Helper()
	started := make(chan struct{})
	require.NoError(t, vm.Expose("started", func() { close(started) }))
	done := make(chan error, 1)
	go func() { done <- vm.RunSource(context.Background(), "loop.lua", []byte(src)) }()
	select {
	case <-started:
	case err := <-done:
		t.Fatalf("the script ended before it started: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the script did not start")
	}
	return done
}

// Close from another goroutine stops the script it runs (it used to keep
// running, and to hand the running call's stack to other VMs); from a Go
// function the script calls, it does not deadlock.
func TestCloseDuringRunStopsTheScript(t *testing.T) {
	vm, err := New()
	require.NoError(t, err)
	done := runInBackground(t, vm, "started() while true do end")
	vm.Close()
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrClosed)
		var se *ScriptError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "loop.lua:1: script stopped: the VM was closed while it ran", se.Message)
		assert.Equal(t, "loop.lua", se.File)
	case <-time.After(20 * time.Second):
		t.Fatal("Run went on after Close")
	}
	vm.Close()
	assert.ErrorIs(t, vm.RunSource(t.Context(), "x", []byte("")), ErrClosed)

	// Other VMs run as before.
	other, _, _ := newVM(t)
	vals, err := other.Eval(t.Context(), "(function() local s = 0 for i = 1, 1000 do s = s + i end return s end)()")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(500500)}, vals)

	self, err := New()
	require.NoError(t, err)
	require.NoError(t, self.Expose("quit", self.Close))
	err = self.RunSource(t.Context(), "quit.lua", []byte("quit()\nwhile true do end"))
	require.ErrorIs(t, err, ErrClosed)
	assert.Contains(t, err.Error(), "quit.lua:2: script stopped: the VM was closed")
}

// Every method may be called from any goroutine: the accessors report the
// last call that finished, the calls that run Lua say ErrBusy. Run with
// -race (CI does).
func TestMethodsFromSeveralGoroutines(t *testing.T) {
	vm, _, _ := newVM(t, WithApp("first"), WithMemoryLimit(1<<30))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = vm.App()
			_, _ = vm.Exited()
			_ = vm.Returned()
			_ = vm.MemoryPeak()
			if err := vm.Expose("x", 1); err != nil {
				assert.ErrorIs(t, err, ErrBusy)
			}
			if _, err := vm.Eval(t.Context(), "1"); err != nil {
				assert.ErrorIs(t, err, ErrBusy)
			}
		}
	}()
	for i := range 50 {
		err := vm.RunSource(t.Context(), "s.lua", []byte(`fly.use(... == "0" and "second" or "first") local t = {} for i = 1, 200 do t[i] = i end return #t`), "0")
		if err != nil {
			assert.ErrorIs(t, err, ErrBusy, "run %d", i)
		}
		_, _ = vm.Eval(t.Context(), "os.exit(3)")
	}
	close(stop)
	wg.Wait()
	_, err := vm.Eval(t.Context(), "os.exit(4)")
	require.Error(t, err)
	code, exited := vm.Exited()
	assert.True(t, exited)
	assert.Equal(t, 4, code)
}
