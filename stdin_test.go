package flyscript

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// silent is a reader that blocks until it is closed, as a pipe whose
// writer sends nothing does.
type silent struct{ closed chan struct{} }

func (s silent) Read([]byte) (int, error) { <-s.closed; return 0, io.EOF }

// A script waiting in io.read stops when the call's context ends, and the
// line that comes afterwards is read by the next call, not lost: from a
// pipe (polled, nothing read in the background) and from any other reader
// (read in the background, its result kept).
func TestIoReadStopsWithTheContext(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	other := silent{closed: make(chan struct{})}
	for name, stdin := range map[string]*os.File{"pipe": r, "reader": nil} {
		t.Run(name, func(t *testing.T) {
			opt := WithStdin(r)
			if stdin == nil {
				opt = WithStdin(other)
			}
			vm, _, _ := newVM(t, opt)
			ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				_, err := vm.Eval(ctx, `local line = io.read() print(line) return line`)
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, context.DeadlineExceeded)
			case <-time.After(5 * time.Second):
				t.Fatal("io.read went on after the context ended")
			}
			if stdin == nil {
				return
			}
			_, err = w.Write([]byte("hello\n"))
			require.NoError(t, err)
			vals, err := vm.Eval(t.Context(), `return io.read()`)
			require.NoError(t, err)
			assert.Equal(t, []any{"hello"}, vals)
		})
	}
	close(other.closed)
}
