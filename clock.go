package flyscript

import (
	"context"
	"time"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/stdlib"
)

// Clock is a time source a VM can run on instead of the wall clock
// (WithVirtualTime). Client.Clock's methods are a subset, so one value can
// serve the VM and its API client.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep returns once d has passed on the clock, or ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
	// Ticker ticks every d until stop is called; a zero time on the
	// channel is a barrier sent after each tick, to learn that the work the
	// tick caused is done.
	Ticker(d time.Duration) (ticks <-chan time.Time, stop func())
}

// WithVirtualTime runs the VM on c: time.now, time.since, time.format and
// log timestamps read it, time.sleep (in fly.parallel tasks too) sleeps on
// it, and fly.leases.with refreshes its leases on its ticks. `flyscript
// test` uses it with a simulator's fake clock, so a test of a ten-minute
// rollout runs in milliseconds. Give the API client the same clock
// (client.WithClock) so that its waits and retries follow. It replaces
// WithClock; a nil c is the wall clock.
func WithVirtualTime(c Clock) Option {
	return func(cfg *config) {
		if c == nil {
			cfg.clock, cfg.now = nil, nil
			return
		}
		cfg.clock, cfg.now = c, c.Now
	}
}

// sleepFunc is time.sleep's implementation: nil (the wall clock) unless
// WithVirtualTime gave a clock.
func (vm *VM) sleepFunc() stdlib.SleepFunc {
	if vm.cfg.clock == nil {
		return nil
	}
	return bindings.SleepOn(vm.cfg.clock)
}
