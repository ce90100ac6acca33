package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// blockingWait answers wait requests like the API: it "blocks" for the
// requested timeout (advancing the fake clock) and answers 408, until the
// n-th request, which gets final.
func blockingWait(clk *fakeClock, n int32, final http.HandlerFunc) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) >= n {
			final(w, r)
			return
		}
		secs, _ := strconv.Atoi(r.URL.Query().Get("timeout"))
		clk.mu.Lock()
		clk.now = clk.now.Add(time.Duration(secs) * time.Second)
		clk.mu.Unlock()
		jsonReply(408, `{"error":"deadline_exceeded: machine failed to reach desired state, started, currently starting"}`)(w, r)
	}
}

func TestWaitAcrossSeveral408s(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newServer(t, blockingWait(clk, 4, jsonReply(200, `{"ok":true,"state":"started","event_id":"e9","version":"01V"}`)))
	c, _ := newTestClient(t, s, WithClock(clk))
	start := clk.Now()
	r, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"started", "failed"}, Timeout: 10 * time.Minute, Version: "01V", FromEventID: "e1"})
	require.NoError(t, err)
	assert.Equal(t, "started", r.State)
	assert.Equal(t, "e9", r.EventID)
	reqs := s.Requests()
	require.Len(t, reqs, 4)
	for _, req := range reqs {
		assert.Equal(t, "GET", req.Method)
		assert.Equal(t, "/v1/apps/web/machines/m1/wait", req.Path)
		q, _ := url.ParseQuery(req.RawQuery)
		assert.Equal(t, url.Values{"state": {"started", "failed"}, "timeout": {"60"}, "version": {"01V"}, "from_event_id": {"e1"}}, q)
	}
	assert.Equal(t, 3*time.Minute, clk.Now().Sub(start), "three full slices of 60 s, no extra pauses")
}

func TestWaitSlicesAnyTimeoutAndTimesOut(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newServer(t, blockingWait(clk, 1000, nil))
	c, _ := newTestClient(t, s, WithClock(clk))
	_, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{Timeout: 150 * time.Second})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTimeout, e.Code)
	assert.Equal(t, 408, e.StatusCode)
	assert.Contains(t, e.Message, "did not reach [started] within 2m30s")
	assert.Contains(t, e.Message, "currently starting")
	var slices []string
	for _, r := range s.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		slices = append(slices, q.Get("timeout"))
		assert.Equal(t, []string{"started", "failed", "destroyed"}, q["state"], "started by default, and the terminal states")
	}
	assert.Equal(t, []string{"60", "60", "30"}, slices)
}

func TestWaitDefaultTimeoutIsOneSlice(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	s := newServer(t, blockingWait(clk, 1000, nil))
	c, _ := newTestClient(t, s, WithClock(clk))
	_, err := c.Machines.Wait(t.Context(), "web", "m1", nil)
	require.Error(t, err)
	assert.Len(t, s.Requests(), 1)
}

func TestWaitPausesAfterAQuick408(t *testing.T) {
	t.Parallel()
	s := newServer(t, sequence(jsonReply(408, `{"error":"not yet"}`), jsonReply(200, `{"ok":true,"state":"stopped"}`)))
	c, clk := newTestClient(t, s)
	r, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"stopped"}})
	require.NoError(t, err)
	assert.Equal(t, "stopped", r.State)
	require.Len(t, clk.Sleeps(), 1)
	assert.Equal(t, 1250*time.Millisecond, clk.Sleeps()[0], "0.5 s + jitter 0.5 × 1.5 s")
}

func TestWaitForDestroyedAcceptsNotFound(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(404, `{"error":"machine not found"}`))
	c, _ := newTestClient(t, s)
	r, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"destroyed"}})
	require.NoError(t, err)
	assert.Equal(t, "destroyed", r.State)

	_, err = c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"started"}})
	require.ErrorIs(t, err, ErrNotFound, "404 is a failure for other states")
}

func TestWaitFollowsAReplacedVersion(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/apps/web/machines/m1":
			jsonReply(200, `{"id":"m1","version":"02NEW"}`)(w, r)
		case r.URL.Query().Get("version") == "01OLD":
			jsonReply(400, `{"error":"machine version 01OLD was replaced"}`)(w, r)
		default:
			jsonReply(200, `{"ok":true,"state":"started","version":"02NEW"}`)(w, r)
		}
	})
	c, _ := newTestClient(t, s)
	r, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{Version: "01OLD"})
	require.NoError(t, err)
	assert.Equal(t, "02NEW", r.Version)
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "/v1/apps/web/machines/m1", reqs[1].Path)
	assert.Contains(t, reqs[2].RawQuery, "version=02NEW")
}

func TestWaitDoesNotRefetchForever(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/apps/web/machines/m1" {
			jsonReply(200, `{"id":"m1","version":"01V"}`)(w, r)
			return
		}
		jsonReply(400, `{"error":"bad state"}`)(w, r)
	})
	c, _ := newTestClient(t, s)
	_, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{Version: "01V", States: []string{"bogus"}})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 400, e.StatusCode)
	assert.Len(t, s.Requests(), 2, "one wait, one look at the machine, no loop")
}

func TestWaitStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	c, _ := newTestClient(t, s)
	_, err := c.Machines.Wait(ctx, "web", "m1", &WaitOptions{Timeout: time.Hour})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, CodeCanceled, err.(*Error).Code)
	assert.Len(t, s.Requests(), 1)
}

// A raw Do of the wait operation returns the 408 at once instead of
// retrying it: for the wait, 408 means "not yet".
func TestDoReturnsTheWaits408AtOnce(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(408, `{"error":"deadline_exceeded: not yet"}`))
	c, clk := newTestClient(t, s)
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: waitPattern, Params: machineParams("web", "m1")})
	require.Error(t, err)
	assert.Len(t, s.Requests(), 1)
	assert.Empty(t, clk.Sleeps())
}

func TestWaitFailsAtOnceOnATerminalState(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"ok":true,"state":"failed","event_id":"e3"}`))
	c, clk := newTestClient(t, s)
	_, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"started"}, Timeout: time.Hour})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTerminalState, e.Code)
	assert.Equal(t, "machine m1 is failed and will not reach [started] by itself", e.Message)
	assert.Contains(t, e.Hint(), "fly.machines.events")
	assert.False(t, e.Retryable())
	assert.Len(t, s.Requests(), 1, "one request, no waiting out the hour")
	assert.Empty(t, clk.Sleeps())

	r, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"started", "failed"}})
	require.NoError(t, err, "a wait that asks for failed gets it")
	assert.Equal(t, "failed", r.State)
	q, _ := url.ParseQuery(s.Requests()[1].RawQuery)
	assert.Equal(t, []string{"started", "failed", "destroyed"}, q["state"])

	_, err = c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"settled"}})
	require.NoError(t, err, "settled covers the terminal states")
	q, _ = url.ParseQuery(s.Requests()[2].RawQuery)
	assert.Equal(t, []string{"settled"}, q["state"])
}

func TestWaitReportsADestroyedMachine(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"ok":true,"state":"destroyed"}`))
	c, _ := newTestClient(t, s)
	_, err := c.Machines.Wait(t.Context(), "web", "m1", &WaitOptions{States: []string{"stopped"}})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTerminalState, e.Code)
	assert.Equal(t, "machine m1 is destroyed and will not reach [stopped] by itself", e.Message)
	assert.Equal(t, "the machine is gone: create a new one", e.Hint())
}
