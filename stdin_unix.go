//go:build unix

package flyscript

import (
	"context"
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// pollInterval is how often a read waiting for input looks at its context.
const pollInterval = 50 // milliseconds

// waitReadable waits until f has input (or its end, or an error) and
// reports true, or until ctx ends and reports false, without reading: a
// read abandoned in the middle would take the next line typed for someone
// else (the REPL's prompt). handled is false when f cannot be polled.
func waitReadable(ctx context.Context, f *os.File) (ready, handled bool) {
	raw, err := f.SyscallConn()
	if err != nil {
		return false, false
	}
	for {
		if ctx.Err() != nil {
			return false, true
		}
		var n int
		var perr error
		cerr := raw.Control(func(fd uintptr) {
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			n, perr = unix.Poll(fds, pollInterval)
		})
		switch {
		case cerr != nil:
			return false, false
		case errors.Is(perr, unix.EINTR):
			continue
		case perr != nil:
			return false, false
		case n > 0:
			return true, true
		}
	}
}
