package flyscript

import (
	"context"
	"io"
	"os"
	"sync"
)

// callReader is the script's stdin (io.read, io.lines(), io.stdin): a read
// gives up when the running call's context ends, so that Ctrl-C, SIGTERM,
// a deadline or Close stops a script waiting in io.read for a line that may
// never come (a terminal, a silent pipe). A file is polled until it has
// input, so no read is left behind; another reader's read left blocked goes
// on in the background, and what it gets is kept for the next read.
type callReader struct {
	r   io.Reader
	ctx func() context.Context // the running call's context, nil outside one

	mu      sync.Mutex
	pending chan readResult // the read still under way, if any
	left    []byte          // what a read got beyond what its caller took
	leftErr error           // the error that came with left
}

// readResult is what one read of the underlying reader got.
type readResult struct {
	data []byte
	err  error
}

func (c *callReader) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.left) > 0 {
		n := copy(p, c.left)
		c.left = c.left[n:]
		if len(c.left) == 0 {
			err := c.leftErr
			c.leftErr = nil
			return n, err
		}
		return n, nil
	}
	if len(p) == 0 {
		return 0, nil
	}
	var ctx context.Context
	if c.ctx != nil {
		ctx = c.ctx()
	}
	if c.pending == nil && (ctx == nil || ctx.Done() == nil) {
		return c.r.Read(p)
	}
	if ctx != nil && ctx.Err() != nil {
		return 0, context.Cause(ctx)
	}
	if f, ok := c.r.(*os.File); ok && c.pending == nil {
		// A file (a terminal, a pipe) is read only once it has input.
		ready, handled := waitReadable(ctx, f)
		switch {
		case ready:
			return f.Read(p)
		case handled:
			return 0, context.Cause(ctx)
		}
	}
	if c.pending == nil {
		ch := make(chan readResult, 1)
		buf := make([]byte, len(p))
		go func() {
			n, err := c.r.Read(buf)
			ch <- readResult{buf[:n], err}
		}()
		c.pending = ch
	}
	var done <-chan struct{}
	if ctx != nil {
		done = ctx.Done()
	}
	select {
	case res := <-c.pending:
		c.pending = nil
		n := copy(p, res.data)
		if n < len(res.data) {
			c.left, c.leftErr = res.data[n:], res.err
			return n, nil
		}
		return n, res.err
	case <-done:
		return 0, context.Cause(ctx)
	}
}
