package flyscript

import (
	"fmt"
	"io"
	"sync"
)

// guardedWriter is a writer of the host's (WithStdout, WithStderr) as the
// VM uses it. The VM writes from goroutines of its own too (the spinner of
// a wait, a lease keeper's warning) while the script writes: writes go one
// at a time, so that a writer that is not safe for concurrent use (a
// bytes.Buffer) is not raced. A panic of the writer is the write's error:
// on one of those goroutines it would end the host process.
type guardedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (g *guardedWriter) Write(p []byte) (n int, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, fmt.Errorf("the writer panicked: %v", r)
		}
	}()
	return g.w.Write(p)
}

// guardWriters wraps the configured stdout and stderr (see guardedWriter);
// one writer given as both gets one guard.
func (c *config) guardWriters() {
	guard := func(w io.Writer) io.Writer {
		if w == io.Discard {
			return w
		}
		return &guardedWriter{w: w}
	}
	same := sameWriter(c.stdout, c.stderr)
	c.stdout = guard(c.stdout)
	if same {
		c.stderr = c.stdout
	} else {
		c.stderr = guard(c.stderr)
	}
}

// sameWriter reports whether a and b are the same writer; false for
// writers that cannot be compared (comparing them panics).
func sameWriter(a, b io.Writer) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}
