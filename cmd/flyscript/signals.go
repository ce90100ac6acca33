package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
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
