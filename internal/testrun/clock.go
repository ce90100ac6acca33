package testrun

import (
	"context"
	"sync"
	"time"

	"github.com/flyscript/flyscript/sim"
)

// epoch is where the virtual clock of a test file starts. Each test starts
// on a whole hour at least an hour after the previous test of its file
// ended, so that the client's rate-limit buckets are full again.
var epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// vclock is the virtual clock of one test file: the fake clock of the
// simulator of the test running, which the VM (flyscript.Clock) and the
// API client (client.Clock) read. Sleeping advances it.
type vclock struct {
	mu sync.Mutex
	fc *sim.FakeClock
}

func (v *vclock) fake() *sim.FakeClock {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.fc
}

func (v *vclock) set(fc *sim.FakeClock) {
	v.mu.Lock()
	v.fc = fc
	v.mu.Unlock()
}

// Now reads the simulator's clock.
func (v *vclock) Now() time.Time { return v.fake().Now() }

// Sleep moves the simulator's clock by d: transitions, lease expiries and
// refreshes that fall due on the way happen in order.
func (v *vclock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		v.fake().Advance(d)
	}
	return ctx.Err()
}

// Ticker ticks every d of virtual time. Each tick is handed over while the
// clock stands at the tick's time, followed by a barrier (a zero time) that
// returns only once the receiver has done what the tick asked (a lease
// refresh), so a long sleep refreshes a lease at each tick before it can
// expire.
func (v *vclock) Ticker(d time.Duration) (<-chan time.Time, func()) {
	fc := v.fake()
	ch := make(chan time.Time)
	stop := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	var timer sim.Timer
	var arm func()
	arm = func() {
		mu.Lock()
		defer mu.Unlock()
		select {
		case <-stop:
			return
		default:
		}
		timer = fc.AfterFunc(d, func() {
			select {
			case ch <- fc.Now():
			case <-stop:
				return
			}
			select {
			case ch <- time.Time{}:
			case <-stop:
				return
			}
			arm()
		})
	}
	arm()
	return ch, func() {
		once.Do(func() {
			close(stop)
			mu.Lock()
			if timer != nil {
				timer.Stop()
			}
			mu.Unlock()
		})
	}
}
