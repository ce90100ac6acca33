package flyscript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/flyscript/flyscript/internal/lua51"
)

// MaxSourceWithoutBudget is the most source Run and RunReader read when the
// VM has no memory budget (WithMemoryLimit(0) or none): an endless stream
// named as a script (/dev/zero, a pipe that never ends) is refused there,
// instead of being read until the host runs out of memory. With a budget
// the bound is what the budget can compile (about 115 bytes per byte).
const MaxSourceWithoutBudget = 128 << 20

// maxSource is the size of the largest chunk vm may read.
func (vm *VM) maxSource() uint64 {
	if limit := vm.cfg.memoryLimit(); limit > 0 {
		return uint64(float64(limit) / lua51.CompileCost)
	}
	return MaxSourceWithoutBudget
}

// checkSourceSize refuses a chunk of n bytes (more than n when more is
// set: a stream cut short) that the run's budget cannot compile.
func (vm *VM) checkSourceSize(name string, n uint64, more bool) error {
	limit := vm.cfg.memoryLimit()
	if limit == 0 {
		if more {
			return &ScriptError{Message: fmt.Sprintf("%s: more than %s of source (the most a script may have without a memory budget)",
				name, formatBytes(MaxSourceWithoutBudget)), Err: ErrMemoryLimit}
		}
		return nil
	}
	cost := float64(n) * lua51.CompileCost
	if cost <= float64(limit) {
		return nil
	}
	// Compiling runs before the run's watchdog and its context: a chunk
	// too large for the budget is refused rather than compiled.
	if more {
		return &ScriptError{Message: fmt.Sprintf("%s: compiling more than %s of source would take more than %s, more than the run's memory budget of %s",
			name, formatBytes(n), formatBytes(uint64(cost)), formatBytes(limit)), Err: ErrMemoryLimit}
	}
	return &ScriptError{Message: fmt.Sprintf("%s: compiling %s of source would take about %s, more than the run's memory budget of %s",
		name, formatBytes(n), formatBytes(uint64(cost)), formatBytes(limit)), Err: ErrMemoryLimit}
}

// readSource reads a chunk from what open opens, giving up when ctx ends
// (a FIFO, a terminal or a pipe may block for ever) and at the first byte
// past what the run may compile (an endless stream). The reading goroutine
// of an abandoned read ends when its read does; open's ReadCloser is
// closed by then.
func (vm *VM) readSource(ctx context.Context, name string, open func() (io.ReadCloser, error)) ([]byte, error) {
	max := vm.maxSource()
	type result struct {
		src []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := open()
		if err != nil {
			done <- result{err: err}
			return
		}
		defer r.Close()
		var buf bytes.Buffer
		_, err = buf.ReadFrom(io.LimitReader(r, int64(max)+1))
		done <- result{buf.Bytes(), err}
	}()
	select {
	case res := <-done:
		if res.err != nil {
			return nil, res.err
		}
		if n := uint64(len(res.src)); n > max {
			return nil, vm.checkSourceSize(name, n, true)
		}
		return res.src, nil
	case <-ctx.Done():
		return nil, &ScriptError{Message: fmt.Sprintf("%s: stopped while reading the script: %v", name, context.Cause(ctx)), Err: ctx.Err()}
	}
}

// RunReader runs the script read from r (stdin, say) under a chunk name,
// as RunSource does. Reading stops when ctx ends and at the first byte
// past what the run's memory budget can compile (see
// MaxSourceWithoutBudget), so that neither a silent pipe nor an endless
// one hangs or exhausts the host. r is not closed.
func (vm *VM) RunReader(ctx context.Context, name string, r io.Reader, args ...string) error {
	if vm.closed {
		return ErrClosed
	}
	src, err := vm.readSource(ctx, name, func() (io.ReadCloser, error) { return io.NopCloser(r), nil })
	if err != nil {
		var se *ScriptError
		if errors.As(err, &se) {
			return err
		}
		return &ScriptError{Message: fmt.Sprintf("cannot read %s: %v", name, err), Err: err}
	}
	return vm.runChunk(ctx, name, src, args, "")
}

// readScriptFile reads the script file of Run: a regular file too large
// for the budget is refused before it is read.
func (vm *VM) readScriptFile(ctx context.Context, file string) ([]byte, error) {
	src, err := vm.readSource(ctx, file, func() (io.ReadCloser, error) {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			if err := vm.checkSourceSize(file, uint64(info.Size()), false); err != nil {
				_ = f.Close()
				return nil, err
			}
		}
		return f, nil
	})
	if err != nil {
		var se *ScriptError
		if errors.As(err, &se) {
			return nil, err
		}
		return nil, &ScriptError{Message: fmt.Sprintf("cannot open %s: %v", file, unwrapPathError(err)), Err: err}
	}
	return src, nil
}

// unwrapPathError is the reason of a *os.PathError ("no such file or
// directory"), or err.
func unwrapPathError(err error) error {
	if inner := errors.Unwrap(err); inner != nil {
		return inner
	}
	return err
}
