package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRateLimits(t *testing.T) {
	h := newHarness(t, WithRateLimits(true), WithTimings(InstantTimings()))
	h.app("web")
	h.clk.Advance(time.Minute)
	a := h.machine("web", nil)
	b := h.machine("web", nil)
	h.clk.Advance(time.Minute)

	// 1/s with bursts of 3, per action and machine.
	stop := "/v1/apps/web/machines/" + a + "/cordon"
	for i := 0; i < 3; i++ {
		h.ok("POST", stop, nil)
	}
	res := h.do("POST", stop, nil)
	require.Equal(t, 429, res.Code)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
	assert.Contains(t, res.Err(), "rate limit")
	h.ok("POST", "/v1/apps/web/machines/"+b+"/cordon", nil)   // another machine
	h.ok("POST", "/v1/apps/web/machines/"+a+"/uncordon", nil) // another action
	h.clk.Advance(time.Second)
	h.ok("POST", stop, nil)
	assert.Equal(t, 429, h.do("POST", stop, nil).Code)

	// Get Machine: 5/s with bursts of 10.
	get := "/v1/apps/web/machines/" + a
	for i := 0; i < 10; i++ {
		h.ok("GET", get, nil)
	}
	assert.Equal(t, 429, h.do("GET", get, nil).Code)
	h.clk.Advance(200 * time.Millisecond)
	h.ok("GET", get, nil)

	// Keyed by app where the path has no machine.
	for i := 0; i < 3; i++ {
		h.ok("GET", "/v1/apps/web/machines", nil)
	}
	assert.Equal(t, 429, h.do("GET", "/v1/apps/web/machines", nil).Code)
}

// TestRateLimitBuckets pins the documented limits the client mirrors.
func TestRateLimitBuckets(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		rate    float64
		burst   int
	}{
		{getMachinePattern, 5, 10},
		{deleteAppPattern, 100.0 / 60.0, 100},
		{"POST /v1/apps/{app_name}/machines/{machine_id}/stop", 1, 3},
		{"GET /v1/apps/{app_name}/machines", 1, 3},
	} {
		r, b := bucketFor(tc.pattern)
		assert.InDelta(t, tc.rate, float64(r), 1e-9, tc.pattern)
		assert.Equal(t, tc.burst, b, tc.pattern)
	}
}

func TestRateLimitsOffByDefault(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	for i := 0; i < 30; i++ {
		h.ok("GET", "/v1/apps/web/machines", nil)
	}
}
