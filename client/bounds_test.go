package client

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const boundsToken = "fm2_bounds-test-token-must-stay-home"

// counting is a server that counts the requests it gets and whether one
// carried an Authorization header.
func counting(t *testing.T) (*httptest.Server, *atomic.Int32, *atomic.Bool) {
	var n atomic.Int32
	var auth atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Header.Get("Authorization") != "" {
			auth.Store(true)
		}
		w.WriteHeader(200)
		_, _ = w.Write([]byte("[]"))
	}))
	t.Cleanup(srv.Close)
	return srv, &n, &auth
}

// A redirect is never followed: the token never reaches its target, and
// the error names the Location.
func TestRedirectsAreRefused(t *testing.T) {
	target, hits, gotAuth := counting(t)
	redirector := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+r.URL.Path, status)
		}
	}
	for _, status := range []int{301, 302, 307, 308} {
		for _, tlsSrv := range []bool{false, true} {
			var srv *httptest.Server
			if tlsSrv {
				srv = httptest.NewTLSServer(redirector(status)) // https -> http, same host
			} else {
				srv = httptest.NewServer(redirector(status)) // another port
			}
			hc := srv.Client()
			c, err := New(WithBaseURL(srv.URL), WithToken(boundsToken), WithHTTPClient(hc), WithoutRateLimits())
			require.NoError(t, err)
			_, err = c.Apps.List(t.Context(), nil)
			srv.Close()
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, CodeRedirect, e.Code)
			assert.Equal(t, status, e.StatusCode)
			assert.Contains(t, e.Message, "redirect to "+target.URL+"/v1/apps")
			assert.NotContains(t, err.Error(), boundsToken)
		}
	}
	assert.Zero(t, hits.Load(), "the redirect's target got no request")
	assert.False(t, gotAuth.Load())
}

// A server that never answers ends the attempt at its header bound; a GET
// is retried, then fails naming the bound.
func TestAttemptHeadersBound(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithToken(boundsToken), WithoutRateLimits(),
		WithAttemptTimeouts(AttemptTimeouts{Headers: 100 * time.Millisecond, BodyIdle: time.Second}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Apps.List(t.Context(), nil) // the caller's context has no deadline
	took := time.Since(start)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeNetwork, e.Code)
	assert.Contains(t, e.Message, "no response headers within 100ms")
	assert.EqualValues(t, 2, n.Load(), "a GET is tried again")
	assert.Less(t, took, 2*time.Second)

	// A POST that got no answer may have taken effect: not retried.
	n.Store(0)
	_, err = c.Machines.Start(t.Context(), "web", "m1", nil)
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeOutcomeUnknown, e.Code)
	assert.EqualValues(t, 1, n.Load())
}

// A body that stops coming ends the attempt at its idle bound.
func TestAttemptBodyIdleBound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("[{"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithToken(boundsToken), WithoutRateLimits(),
		WithAttemptTimeouts(AttemptTimeouts{Headers: time.Second, BodyIdle: 100 * time.Millisecond}),
		WithRetryPolicy(NoRetries))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Apps.List(t.Context(), nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Contains(t, e.Message, "no byte of the response body within 100ms")
	assert.Less(t, time.Since(start), 2*time.Second)
}

// A server that trickles a byte at a time never trips the idle bound; the
// call's bound, RetryPolicy.MaxElapsed, ends it.
func TestCallBoundAgainstTrickle(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		for {
			select {
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				_, _ = w.Write([]byte(" "))
				w.(http.Flusher).Flush()
			}
		}
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithToken(boundsToken), WithoutRateLimits(),
		WithAttemptTimeouts(AttemptTimeouts{Headers: 100 * time.Millisecond, BodyIdle: 150 * time.Millisecond}),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxElapsed: 400 * time.Millisecond}))
	require.NoError(t, err)
	start := time.Now()
	_, err = c.Apps.List(t.Context(), nil)
	took := time.Since(start)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTimeout, e.Code)
	assert.Contains(t, e.Message, "no complete answer within 400ms, the bound of a whole call (RetryPolicy.MaxElapsed)")
	assert.Less(t, took, 1500*time.Millisecond)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "a deadline for errors.Is")
	assert.False(t, strings.Contains(err.Error(), boundsToken))
}

// A partial echo of the token (a prefix, one macaroon of a FlyV1 list, a
// slice of 16 characters) is scrubbed from every part of an error.
func TestPartialTokenEchoesScrubbed(t *testing.T) {
	const tok = "FlyV1 fm2_lJPECAAAAAAAAMa0xBCuWbcdefghijklmnop,fm2_lJPETHEsecondMACAROONabcdefghij12345"
	echoes := map[string]string{
		"prefix":   tok[:30],
		"macaroon": "fm2_lJPETHEsecondMACAROONabcdefghij12345",
		"slice":    tok[40:56],
	}
	for name, echo := range echoes {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(RequestIDHeader, "req-"+echo)
				w.WriteHeader(401)
				_, _ = w.Write([]byte(`{"error":"bad token ` + echo + `"}`))
			}))
			defer srv.Close()
			c, err := New(WithBaseURL(srv.URL), WithToken(tok), WithoutRateLimits(), WithRetryPolicy(NoRetries))
			require.NoError(t, err)
			_, err = c.Apps.List(t.Context(), nil)
			var e *Error
			require.ErrorAs(t, err, &e)
			for _, text := range []string{err.Error(), e.Message, e.RequestID, string(e.Body)} {
				assert.NotContains(t, text, echo)
			}
			assert.Contains(t, e.Message, "bad token [REDACTED]")
		})
	}
}

// An exec waits for its command: its own timeout is added to the header
// bound, and the call's bound is never shorter than one attempt's.
func TestExecExtendsTheBounds(t *testing.T) {
	c, err := New(WithToken(boundsToken))
	require.NoError(t, err)
	exec := &call{method: http.MethodPost, pattern: machinePattern + "/exec", req: &Request{Body: []byte(`{"command":["sleep","300"],"timeout":300}`)}}
	assert.Equal(t, 90*time.Second+300*time.Second, c.headersTimeout(exec))
	assert.Equal(t, 90*time.Second+300*time.Second+30*time.Second, c.callBound(exec))
	list := &call{method: http.MethodGet, pattern: "/v1/apps/{app_name}/machines", req: &Request{}}
	assert.Equal(t, 90*time.Second, c.headersTimeout(list))
	assert.Equal(t, 2*time.Minute, c.callBound(list))
}
