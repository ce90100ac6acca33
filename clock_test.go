package flyscript_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript"
)

// manualClock is a virtual clock that only moves when slept on.
type manualClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func (c *manualClock) Ticker(time.Duration) (<-chan time.Time, func()) {
	return make(chan time.Time), func() {}
}

// TestVirtualTime: time.now reads the clock and time.sleep, in and out of
// tasks, sleeps on it, without real time passing.
func TestVirtualTime(t *testing.T) {
	clk := &manualClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	vm, err := flyscript.New(flyscript.WithVirtualTime(clk))
	require.NoError(t, err)
	defer vm.Close()
	began := time.Now()
	out, err := vm.Eval(context.Background(), `
		local t0 = time.now()
		time.sleep("10m")
		local after_sleep = time.now() - t0
		fly.parallel({ 5, 20, 5 }, function(d) time.sleep(d) end)
		return after_sleep, time.now() - t0, time.format(t0)
	`)
	require.NoError(t, err)
	require.Equal(t, []any{int64(600), int64(620), "2026-01-01T00:00:00Z"}, out)
	require.Less(t, time.Since(began), 5*time.Second, "no real sleeping")
	require.Equal(t, []time.Duration{10 * time.Minute, 5 * time.Second, 15 * time.Second}, clk.slept,
		"tasks sleeping together: the clock moves to each wake-up once")
}

// WithVirtualTime(nil) is the wall clock (New crashed on it).
func TestVirtualTimeNilIsTheWallClock(t *testing.T) {
	vm, err := flyscript.New(flyscript.WithVirtualTime(nil))
	require.NoError(t, err)
	defer vm.Close()
	out, err := vm.Eval(t.Context(), `time.now()`)
	require.NoError(t, err)
	require.InDelta(t, float64(time.Now().Unix()), out[0], 60)
}
