package client

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimitKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		method, pattern string
		params          map[string]string
		action, id      string
	}{
		{"POST", "/v1/apps/{app_name}/machines/{machine_id}/stop", map[string]string{"app_name": "a", "machine_id": "m"}, "POST /v1/apps/{app_name}/machines/{machine_id}/stop", "m"},
		{"POST", "/v1/apps/{app_name}/machines", map[string]string{"app_name": "a"}, "POST /v1/apps/{app_name}/machines", "a"},
		{"GET", "/v1/apps/{app_name}/volumes/{volume_id}", map[string]string{"app_name": "a", "volume_id": "v"}, "GET /v1/apps/{app_name}/volumes/{volume_id}", "a"},
		{"GET", "/v1/orgs/{org_slug}/machines", map[string]string{"org_slug": "o"}, "GET /v1/orgs/{org_slug}/machines", ""},
		{"GET", "/v1/apps", nil, "GET /v1/apps", ""},
	} {
		action, id := RateLimitKey(tc.method, tc.pattern, tc.params)
		assert.Equal(t, tc.action, action)
		assert.Equal(t, tc.id, id)
	}
	l := DefaultRateLimits()
	assert.Equal(t, Limit{1, 2}, l.For("POST /v1/apps/{app_name}/machines/{machine_id}/stop"))
	assert.Equal(t, Limit{5, 9}, l.For("GET /v1/apps/{app_name}/machines/{machine_id}"))
	assert.InDelta(t, 100.0/60, l.For("DELETE /v1/apps/{app_name}").Rate, 1e-9)
	l.Actions = map[string]Limit{"GET /v1/apps": {Rate: 50, Burst: 50}}
	assert.Equal(t, Limit{50, 50}, l.For("GET /v1/apps"))
}

// timedCalls makes n calls with the limiter alone and returns when each
// was allowed, relative to the start.
func timedCalls(t *testing.T, l *limiter, clk *fakeClock, n int, method, pattern string, params map[string]string) []time.Duration {
	t.Helper()
	start := clk.Now()
	var at []time.Duration
	for range n {
		require.NoError(t, l.wait(t.Context(), clk, method, pattern, params, nil))
		at = append(at, clk.Now().Sub(start))
	}
	return at
}

func TestRateLimitBuckets(t *testing.T) {
	t.Parallel()
	stop := "/v1/apps/{app_name}/machines/{machine_id}/stop"
	get := "/v1/apps/{app_name}/machines/{machine_id}"

	clk := newFakeClock()
	l := newLimiter(DefaultRateLimits())
	m1 := map[string]string{"app_name": "a", "machine_id": "m1"}
	assert.Equal(t, []time.Duration{0, 0, time.Second, 2 * time.Second, 3 * time.Second}, timedCalls(t, l, clk, 5, "POST", stop, m1), "1/s with bursts of 2: one under the documented 3")

	// Another machine, another action: their own buckets, full.
	clk2 := newFakeClock()
	assert.Equal(t, []time.Duration{0, 0}, timedCalls(t, l, clk2, 2, "POST", stop, map[string]string{"app_name": "a", "machine_id": "m2"}))
	clk3 := newFakeClock()
	assert.Equal(t, []time.Duration{0, 0}, timedCalls(t, l, clk3, 2, "POST", "/v1/apps/{app_name}/machines/{machine_id}/start", m1))

	clk4 := newFakeClock()
	at := timedCalls(t, l, clk4, 11, "GET", get, map[string]string{"app_name": "a", "machine_id": "m9"})
	assert.Equal(t, time.Duration(0), at[8], "bursts of 9: one under the documented 10")
	assert.Equal(t, 200*time.Millisecond, at[9], "5/s")
	assert.Equal(t, 400*time.Millisecond, at[10])
}

func TestRateLimitsThroughDo(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{}`))
	req := &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/cordon", Params: map[string]string{"app_name": "a", "machine_id": "m"}}

	c, clk := newTestClient(t, s)
	for range 3 {
		_, err := c.Do(t.Context(), req)
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{time.Second}, clk.Sleeps())

	custom, clk := newTestClient(t, s, WithRateLimits(RateLimits{Actions: map[string]Limit{"POST /v1/apps/{app_name}/machines/{machine_id}/cordon": {Rate: 2, Burst: 1}}}))
	for range 3 {
		_, err := custom.Do(t.Context(), req)
		require.NoError(t, err)
	}
	assert.Equal(t, []time.Duration{500 * time.Millisecond, 500 * time.Millisecond}, clk.Sleeps())

	off, clk := newTestClient(t, s, WithoutRateLimits())
	for range 10 {
		_, err := off.Do(t.Context(), req)
		require.NoError(t, err)
	}
	assert.Empty(t, clk.Sleeps())
}

func TestRateLimitWaitHonoursContext(t *testing.T) {
	t.Parallel()
	l := newLimiter(RateLimits{Default: Limit{Rate: 1, Burst: 1}})
	clk := newFakeClock()
	require.NoError(t, l.wait(t.Context(), clk, "GET", "/v1/apps", nil, nil))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, l.wait(ctx, clk, "GET", "/v1/apps", nil, nil), context.Canceled)
	// The canceled reservation gave its token back: the next call waits 1s, not 2s.
	start := clk.Now()
	require.NoError(t, l.wait(t.Context(), clk, "GET", "/v1/apps", nil, nil))
	assert.Equal(t, time.Second, clk.Now().Sub(start))
}

func TestRateLimiterIsConcurrencySafe(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{}`))
	clk := newFakeClock()
	clk.frozen = true // no refill while the calls run: exactly the calls past the burst wait
	c, _ := newTestClient(t, s, WithClock(clk))
	var wg sync.WaitGroup
	for i := range 60 {
		wg.Go(func() {
			_, err := c.Do(t.Context(), &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/machines/{machine_id}",
				Params: map[string]string{"app_name": "a", "machine_id": []string{"m1", "m2", "m3", "m4"}[i%4]}})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Len(t, s.Requests(), 60)
	assert.Len(t, clk.Sleeps(), 4*(15-9), "each call past a bucket's burst of 9 waited once")
}

func TestLimiterDropsIdleBucketsBeyondItsBound(t *testing.T) {
	t.Parallel()
	l := newLimiter(DefaultRateLimits())
	clk := newFakeClock()
	for i := range maxBuckets + 10 {
		require.NoError(t, l.wait(t.Context(), clk, "GET", "/v1/apps/{app_name}", map[string]string{"app_name": string(rune('a'+i%26)) + itoa36(i)}, nil))
		_ = clk.Sleep(t.Context(), time.Second) // let the buckets refill
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	assert.LessOrEqual(t, len(l.buckets), maxBuckets)
}

func itoa36(i int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	s := ""
	for {
		s = string(digits[i%36]) + s
		i /= 36
		if i == 0 {
			return s
		}
	}
}

// A pace observer hears of every pause of the rate limiter, with its length.
func TestPaceObserver(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{}`))
	var mu sync.Mutex
	var paces []PaceInfo
	c, _ := newTestClient(t, s, WithPaceObserver(func(p PaceInfo) {
		mu.Lock()
		defer mu.Unlock()
		paces = append(paces, p)
	}))
	for range 4 {
		_, err := c.Do(t.Context(), &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/cordon",
			Params: map[string]string{"app_name": "web", "machine_id": "m1"}})
		require.NoError(t, err)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, paces, 2, "bursts of 2, then one pause per request")
	assert.Equal(t, PaceInfo{Method: "POST", Path: "/v1/apps/web/machines/m1/cordon",
		Op: "POST /v1/apps/{app_name}/machines/{machine_id}/cordon", Delay: time.Second}, paces[0])
}
