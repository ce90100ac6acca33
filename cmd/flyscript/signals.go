package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// The exit statuses of a run ended by a signal: 128 + the signal's number,
// as shells report it.
const (
	exitHangup     = 128 + int(syscall.SIGHUP)  // 129
	exitTerminated = 128 + int(syscall.SIGTERM) // 143
)

// stopSignals end a run the way Ctrl-C does: the script is cancelled, its
// HTTP call in flight aborts, leases are released and tasks cancelled.
// SIGTERM is what timeout(1), systemd, docker stop, Kubernetes and CI
// runners send; SIGHUP comes when the terminal goes away.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string { return "received " + e.sig.String() }

// signalContext is cancelled, with a *signalError as its cause, by the
// first of stopSignals. After that first signal the handlers are removed,
// so that a second one ends the process the usual way. stop releases the
// handlers.
func signalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, stopSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigc:
			signal.Stop(sigc)
			cancel(&signalError{sig: sig})
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigc)
		close(done)
		cancel(nil)
	}
}

// stopGrace is how long the process may take to stop after a signal
// before it exits without waiting further: long enough for leases to be
// released (5 s each, at once), short of what supervisors wait before
// SIGKILL (10 s and more).
const stopGrace = 9 * time.Second

// exitIfStuck ends the process with the signal's exit status when it has
// not stopped within grace of the SIGTERM or SIGHUP that cancelled ctx: a
// write to a pipe nobody reads (stdout full), a FIFO being opened; each
// would otherwise hold the process until SIGKILL, which supervisors send
// without a word. SIGINT is left alone: it only cancels a statement of the
// REPL, and at a script a person can press Ctrl-C again. The note goes to w
// from a goroutine of its own, so that a blocked w cannot hold the exit.
func exitIfStuck(ctx context.Context, grace time.Duration, w io.Writer) {
	<-ctx.Done()
	var se *signalError
	if !errors.As(context.Cause(ctx), &se) || se.sig == os.Interrupt {
		return
	}
	time.Sleep(grace)
	msg, status := interruption(ctx)
	go fmt.Fprintf(w, "%s; still stopping after %s (output blocked?), exiting\n", msg, grace)
	time.Sleep(200 * time.Millisecond)
	os.Exit(status)
}

// interruption is what the command prints and returns when ctx ended the
// run: 130 for SIGINT or a cancelled context, 143 for SIGTERM, 129 for
// SIGHUP.
func interruption(ctx context.Context) (message string, status int) {
	var se *signalError
	if errors.As(context.Cause(ctx), &se) {
		switch se.sig {
		case syscall.SIGTERM:
			return "flyscript: terminated (SIGTERM)", exitTerminated
		case syscall.SIGHUP:
			return "flyscript: hangup (SIGHUP)", exitHangup
		}
	}
	return "flyscript: interrupted", exitInterrupted
}
