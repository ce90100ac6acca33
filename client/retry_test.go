package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetryablePredicate(t *testing.T) {
	t.Parallel()
	reset := &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}
	refused := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	dialTimeout := &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("i/o timeout")}}
	eof := &url.Error{Op: "Post", URL: "http://x", Err: io.EOF}
	noHost := &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}}}
	canceled := &url.Error{Op: "Get", URL: "http://x", Err: fmt.Errorf("wrapped: %w", errCanceled())}

	cases := []struct {
		method string
		status int
		err    error
		sent   bool
		want   verdict
	}{
		// Statuses: idempotent methods retry the transient ones.
		{"GET", 200, nil, true, noRetry},
		{"GET", 400, nil, true, noRetry},
		{"GET", 404, nil, true, noRetry},
		{"GET", 409, nil, true, noRetry},
		{"GET", 500, nil, true, noRetry},
		{"GET", 408, nil, true, retryNow},
		{"GET", 429, nil, true, retryNow},
		{"GET", 502, nil, true, retryNow},
		{"GET", 503, nil, true, retryNow},
		{"GET", 504, nil, true, retryNow},
		{"HEAD", 503, nil, true, retryNow},
		{"PUT", 503, nil, true, retryNow},
		{"DELETE", 504, nil, true, retryNow},
		{"DELETE", 422, nil, true, noRetry},
		// POST and PATCH: only a 429 proves the request was not processed.
		{"POST", 429, nil, true, retryNow},
		{"PATCH", 429, nil, true, retryNow},
		{"POST", 408, nil, true, outcomeUnknown},
		{"POST", 502, nil, true, outcomeUnknown},
		{"POST", 503, nil, true, outcomeUnknown},
		{"PATCH", 504, nil, true, outcomeUnknown},
		{"POST", 422, nil, true, noRetry},
		{"POST", 500, nil, true, noRetry},
		// Transport errors.
		{"GET", 0, reset, true, retryNow},
		{"PUT", 0, eof, true, retryNow},
		{"POST", 0, reset, true, outcomeUnknown},
		{"POST", 0, eof, true, outcomeUnknown},
		{"POST", 0, reset, false, retryNow},
		{"POST", 0, refused, true, retryNow},
		{"POST", 0, refused, false, retryNow},
		{"POST", 0, dialTimeout, false, retryNow},
		{"PATCH", 0, dialTimeout, true, retryNow},
		{"GET", 0, noHost, false, noRetry},
		{"POST", 0, noHost, false, noRetry},
		{"GET", 0, canceled, true, noRetry},
		{"POST", 0, canceled, true, noRetry},
		{"GET", 0, &url.Error{Op: "Get", URL: "x", Err: errors.New(`unsupported protocol scheme "ftp"`)}, false, noRetry},
		{"GET", 0, nil, false, noRetry},
	}
	for _, tc := range cases {
		got := retryable(tc.method, tc.status, tc.err, tc.sent)
		assert.Equal(t, tc.want.String(), got.String(), "%s status=%d err=%v sent=%v", tc.method, tc.status, tc.err, tc.sent)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"0":                             0,
		"7":                             7 * time.Second,
		" 120 ":                         2 * time.Minute,
		"Fri, 02 Jan 2026 03:04:35 GMT": 30 * time.Second,
		"Fri, 02 Jan 2026 03:00:00 GMT": 0,
	} {
		got, ok := parseRetryAfter(in, now)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "-1", "soon", "1.5"} {
		_, ok := parseRetryAfter(in, now)
		assert.False(t, ok, in)
	}
}

func TestBackoffIsExponentialWithFullJitter(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	assert.Equal(t, 100*time.Millisecond, p.backoff(1, 0.999999999).Round(time.Millisecond))
	assert.Equal(t, 200*time.Millisecond, p.backoff(2, 0.999999999).Round(time.Millisecond))
	assert.Equal(t, 400*time.Millisecond, p.backoff(3, 0.999999999).Round(time.Millisecond))
	assert.Equal(t, time.Second, p.backoff(10, 0.999999999).Round(time.Millisecond))
	assert.Equal(t, time.Second, p.backoff(1000, 0.999999999).Round(time.Millisecond))
	assert.Equal(t, time.Duration(0), p.backoff(3, 0))
	assert.Equal(t, 200*time.Millisecond, p.backoff(3, 0.5))
}

func TestGetRetriesTransientStatusesThenSucceeds(t *testing.T) {
	t.Parallel()
	s := newServer(t, sequence(resetConn, jsonReply(503, `{"error":"busy"}`), jsonReply(502, ``), jsonReply(504, ``), jsonReply(200, `{"name":"a"}`)))
	c, clk := newTestClient(t, s, WithoutRateLimits())
	resp, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": "a"}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"a"}`, string(resp.Body))
	assert.Len(t, s.Requests(), 5)
	// Full jitter at r=0.5 over 200ms, 400ms, 800ms, 1.6s.
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond}, clk.Sleeps())
}

func TestRetriesAreBoundedInAttempts(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(503, `{"error":"still busy"}`))
	c, _ := newTestClient(t, s, WithoutRateLimits(), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, "still busy", e.Message)
	assert.True(t, e.Retryable())
	assert.Len(t, s.Requests(), 3)
}

func TestRetriesAreBoundedInTime(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "40")
		jsonReply(429, `{"error":"slow down"}`)(w, r)
	})
	c, clk := newTestClient(t, s, WithoutRateLimits(), WithRetryPolicy(RetryPolicy{MaxAttempts: 10, MaxElapsed: time.Minute}))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps"})
	require.ErrorIs(t, err, ErrRateLimited)
	assert.Len(t, s.Requests(), 2, "a third attempt would start after 80s > 1m")
	assert.Equal(t, []time.Duration{40 * time.Second}, clk.Sleeps())
}

func TestRetryAfterIsHonoured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, header string
		want         time.Duration
	}{
		{"seconds", "3", 3 * time.Second},
		{"http date", "Fri, 02 Jan 2026 03:04:12 GMT", 7 * time.Second},
		{"absent", "", 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, sequence(func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				jsonReply(429, `{"error":"rate limited"}`)(w, r)
			}, jsonReply(201, `{"id":"m1"}`)))
			c, clk := newTestClient(t, s, WithoutRateLimits())
			// A POST: a 429 proves the request was not processed.
			resp, err := c.Do(t.Context(), &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/stop",
				Params: map[string]string{"app_name": "a", "machine_id": "m"}, Body: []byte(`{}`)})
			require.NoError(t, err)
			assert.Equal(t, 201, resp.StatusCode)
			assert.Equal(t, []time.Duration{tc.want}, clk.Sleeps())
			assert.Len(t, s.Requests(), 2)
		})
	}
}

func TestRetryStopsAtTheCallersDeadline(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		jsonReply(503, ``)(w, r)
	})
	c, clk := newTestClient(t, s, WithoutRateLimits())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := c.Do(ctx, &Request{Method: "GET", Pattern: "/v1/apps"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, 503, e.StatusCode)
	assert.Len(t, s.Requests(), 1)
	assert.Empty(t, clk.Sleeps())
}

func TestPostIsNotRetriedBlindly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		status  int
		code    string
	}{
		{"connection reset", resetConn, 0, CodeOutcomeUnknown},
		{"503", jsonReply(503, `{"error":"unavailable"}`), 503, CodeUnavailable},
		{"408", jsonReply(408, `{"error":"deadline_exceeded: took too long"}`), 408, CodeTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, tc.handler)
			c, _ := newTestClient(t, s, WithoutRateLimits())
			_, err := c.Do(t.Context(), &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/start",
				Params: map[string]string{"app_name": "a", "machine_id": "m"}})
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Len(t, s.Requests(), 1, "sent once")
		})
	}
}

func TestPostIsRetriedWhenTheConnectionWasRefused(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	clk := newFakeClock()
	c, err := New(WithBaseURL("http://"+addr), WithClock(clk), WithoutRateLimits(), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}))
	require.NoError(t, err)
	_, err = c.Do(t.Context(), &Request{Method: "POST", Pattern: "/v1/apps", Body: []byte(`{"name":"x"}`)})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeNetwork, e.Code)
	assert.True(t, e.Retryable())
	assert.Len(t, clk.Sleeps(), 2, "refused dials were retried")
	assert.ErrorIs(t, err, syscall.ECONNREFUSED)
}
