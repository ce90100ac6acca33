package sim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFaults(t *testing.T) {
	f, err := ParseFaults("503=0.1,429=0.05,reset=0.05")
	require.NoError(t, err)
	assert.Equal(t, Faults{Error503: 0.1, Error429: 0.05, ResetBefore: 0.025, ResetAfter: 0.025}, f)
	f, err = ParseFaults(" 500=0.2 , 502=0.1,reset-after=0.3,reset-before=0.1")
	require.NoError(t, err)
	assert.Equal(t, Faults{Error500: 0.2, Error502: 0.1, ResetAfter: 0.3, ResetBefore: 0.1}, f)
	back, err := ParseFaults(f.String())
	require.NoError(t, err)
	assert.Equal(t, f, back)
	for _, bad := range []string{"503", "503=x", "404=0.1", "503=1.5", "503=0.7,429=0.7", "503=nan", "503=NaN"} {
		_, err := ParseFaults(bad)
		assert.Error(t, err, bad)
	}
	f, err = ParseFaults("")
	require.NoError(t, err)
	assert.Zero(t, f)
}

// statuses sends n list requests and returns the statuses.
func statuses(t *testing.T, seed int64, n int) []int {
	h := newHarness(t, WithSeed(seed), WithFaults(Faults{Error500: 0.1, Error502: 0.1, Error503: 0.1, Error429: 0.1}))
	var out []int
	for i := 0; i < n; i++ {
		out = append(out, h.do("GET", "/v1/platform/regions", nil).Code)
	}
	return out
}

func TestFaultsSeededAndRepeatable(t *testing.T) {
	a, b, c := statuses(t, 7, 400), statuses(t, 7, 400), statuses(t, 8, 400)
	assert.Equal(t, a, b, "same seed, same faults")
	assert.NotEqual(t, a, c, "another seed, other faults")
	count := map[int]int{}
	for _, s := range a {
		count[s]++
	}
	// 40% faults in all, 10% each: loose bounds for 400 draws.
	for _, code := range []int{500, 502, 503, 429} {
		assert.InDelta(t, 40, count[code], 25, "status %d", code)
	}
	assert.InDelta(t, 240, count[200], 50)
}

func TestInjected429HasRetryAfter(t *testing.T) {
	h := newHarness(t, WithFaults(Faults{Error429: 1}))
	res := h.do("GET", "/v1/platform/regions", nil)
	assert.Equal(t, 429, res.Code)
	assert.Equal(t, "1", res.Header.Get("Retry-After"))
}

func TestInjectedStatusHasNoEffect(t *testing.T) {
	h := newHarness(t, WithFaults(Faults{Error503: 1}))
	assert.Equal(t, 503, h.do("POST", "/v1/apps", map[string]any{"name": "web", "org_slug": "personal"}).Code)
	assert.Empty(t, h.s.w.Apps)
}

// TestConnectionResets uses real connections: a reset before processing
// leaves nothing behind, a reset after processing leaves the change made.
func TestConnectionResets(t *testing.T) {
	for _, tc := range []struct {
		name    string
		faults  Faults
		created bool
	}{
		{"before", Faults{ResetBefore: 1}, false},
		{"after", Faults{ResetAfter: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(WithFaults(tc.faults), WithClock(NewFakeClock(t0)))
			defer s.Close()
			ts := httptest.NewServer(s)
			defer ts.Close()
			req, err := http.NewRequest("POST", ts.URL+"/v1/apps", bytes.NewReader([]byte(`{"name":"web","org_slug":"personal"}`)))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer x")
			resp, err := ts.Client().Do(req)
			if err == nil {
				resp.Body.Close()
			}
			require.Error(t, err, "the connection should have been reset")
			s.mu.Lock()
			_, ok := s.w.Apps["web"]
			s.mu.Unlock()
			assert.Equal(t, tc.created, ok)
		})
	}
}

func TestLatency(t *testing.T) {
	h := newHarness(t, WithLatency(100*time.Millisecond, 0))
	target := "/v1/platform/regions"
	ch := h.async("GET", target)
	h.clk.BlockUntil(1)
	select {
	case <-ch:
		t.Fatal("answered before the latency elapsed")
	default:
	}
	h.clk.Advance(100 * time.Millisecond)
	assert.Equal(t, 200, h.await(ch, "GET", target).Code)

	fi := newFaultInjector(Faults{}, 3)
	for i := 0; i < 100; i++ {
		d := fi.latency(50*time.Millisecond, 20*time.Millisecond)
		assert.GreaterOrEqual(t, d, 30*time.Millisecond)
		assert.LessOrEqual(t, d, 70*time.Millisecond)
	}
}
