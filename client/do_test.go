package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoSendsTheRequest(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"ok":true}`))
	c, _ := newTestClient(t, s)
	resp, err := c.Do(t.Context(), &Request{
		Method:  "post",
		Pattern: "/v1/apps/{app_name}/machines/{machine_id}/stop",
		Params:  map[string]string{"app_name": "web app", "machine_id": "148e/x"},
		Query:   url.Values{"force": {"true"}},
		Body:    []byte(`{"signal":"SIGTERM"}`),
		Nonce:   "nonce-1",
		Header:  http.Header{"X-Extra": {"1"}, "Authorization": {"Bearer stolen"}},
	})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.JSONEq(t, `{"ok":true}`, string(resp.Body))
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))

	r := s.Last(t)
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/v1/apps/web app/machines/148e/x/stop", r.Path)
	assert.Equal(t, "/v1/apps/web%20app/machines/148e%2Fx/stop", r.RawPath)
	assert.Equal(t, "force=true", r.RawQuery)
	assert.Equal(t, `{"signal":"SIGTERM"}`, r.Body)
	assert.Equal(t, "FlyV1 "+testToken, r.Header.Get("Authorization"))
	assert.Equal(t, "flyscript/"+Version, r.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "nonce-1", r.Header.Get(NonceHeader))
	assert.Equal(t, "1", r.Header.Get("X-Extra"))
}

func TestDoWithoutBodyOrNonce(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `[]`))
	c, _ := newTestClient(t, s, WithUserAgent("embedder/2"))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps/{app_name}/machines", Params: map[string]string{"app_name": "web"}})
	require.NoError(t, err)
	r := s.Last(t)
	assert.Empty(t, r.Header.Get("Content-Type"))
	assert.Empty(t, r.Header.Get(NonceHeader))
	assert.Empty(t, r.Body)
	assert.Equal(t, "embedder/2", r.Header.Get("User-Agent"))
}

func TestDoConcretePathIsMatchedToItsOperation(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(404, `{"error":"machine not found"}`))
	c, _ := newTestClient(t, s)
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps/web/machines/abc/lease?x=1"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "GET /v1/apps/{app_name}/machines/{machine_id}/lease", e.Op)
	assert.Equal(t, "/v1/apps/web/machines/abc/lease", e.Path)
	assert.Equal(t, "x=1", s.Last(t).RawQuery)

	// Literal segments win over parameters: /certificates/acme is its own operation.
	p, params, ok := matchOperation("POST", "/v1/apps/web/certificates/acme")
	require.True(t, ok)
	assert.Equal(t, "/v1/apps/{app_name}/certificates/acme", p)
	assert.Equal(t, map[string]string{"app_name": "web"}, params)
	_, _, ok = matchOperation("GET", "/v1/nothing/here")
	assert.False(t, ok)
}

func TestDoRejectsBadRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{}`))
	c, _ := newTestClient(t, s)
	for name, req := range map[string]*Request{
		"missing param": {Method: "GET", Pattern: "/v1/apps/{app_name}"},
		"empty param":   {Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": ""}},
		"relative":      {Method: "GET", Pattern: "v1/apps"},
		"no method":     {Pattern: "/v1/apps"},
		"nil":           nil,
	} {
		_, err := c.Do(t.Context(), req)
		var e *Error
		require.ErrorAs(t, err, &e, name)
		assert.Equal(t, CodeInvalidArgument, e.Code, name)
	}
	assert.Empty(t, s.Requests())
}

func TestErrorStatuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status   int
		body     string
		code     string
		message  string
		sentinel error
		hint     string
	}{
		{404, `{"error":"machine not found"}`, "not_found", "machine not found", ErrNotFound, ""},
		{404, `{"error":"app not found"}`, "not_found", "app not found", ErrNotFound, "check the app name"},
		{409, `{"error":"lease currently held by someone@example.com"}`, "conflict", "lease currently held by someone@example.com", ErrConflict, "another holder"},
		{412, `{"error":"failed_precondition: machine getting replaced, refusing to start"}`, "failed_precondition", "machine getting replaced, refusing to start", ErrPreconditionFailed, "being updated"},
		{412, `{"error":"failed_precondition: unable to start machine from current state: 'created'"}`, "failed_precondition", "unable to start machine from current state: 'created'", ErrPreconditionFailed, "fly.machines.wait"},
		{412, `{"error":"failed_precondition: machine_version mismatch"}`, "failed_precondition", "machine_version mismatch", ErrPreconditionFailed, "get it again"},
		{422, `{"error":"no capacity in ord","status":"insufficient_capacity"}`, "insufficient_capacity", "no capacity in ord", nil, "another region"},
		{422, `{"error":"Name has already been taken","status":"name_taken"}`, "name_taken", "Name has already been taken", nil, "choose another name"},
		{401, `{"error":"unauthorized"}`, "unauthorized", "unauthorized", ErrUnauthorized, "check the token"},
		{403, `not json`, "permission_denied", "not json", ErrUnauthorized, "no access"},
		{400, ``, "invalid_argument", "bad request", nil, ""},
		{500, `{"message":"boom","status":"unknown"}`, "internal", "boom", nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.code, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set(RequestIDHeader, "01JREQ")
				jsonReply(tc.status, tc.body)(w, r)
			})
			c, _ := newTestClient(t, s, WithRetryPolicy(NoRetries))
			_, err := c.Do(t.Context(), &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/start",
				Params: map[string]string{"app_name": "a", "machine_id": "m1"}})
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.message, e.Message)
			assert.Equal(t, "01JREQ", e.RequestID)
			assert.Equal(t, tc.body, string(e.Body))
			assert.Equal(t, "POST /v1/apps/{app_name}/machines/{machine_id}/start", e.Op)
			assert.Equal(t, "POST /v1/apps/a/machines/m1/start: "+strconv.Itoa(tc.status)+" "+tc.code+": "+tc.message, e.Error())
			if tc.sentinel != nil {
				assert.ErrorIs(t, err, tc.sentinel)
			}
			for _, other := range []error{ErrNotFound, ErrConflict, ErrPreconditionFailed, ErrUnauthorized, ErrRateLimited} {
				if other != tc.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			if tc.hint != "" {
				assert.Contains(t, e.Hint(), tc.hint)
			}
			assert.False(t, e.Retryable())
		})
	}
}

func TestBodySizeLimit(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"data":"`+strings.Repeat("x", 100)+`"}`))
	c, _ := newTestClient(t, s, WithMaxResponseBytes(50))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTooLarge, e.Code)
	assert.Len(t, s.Requests(), 1, "a body over the limit is not retried")

	c2, _ := newTestClient(t, s, WithMaxResponseBytes(200))
	_, err = c2.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps"})
	require.NoError(t, err)
}

func TestObserverSeesEveryAttempt(t *testing.T) {
	t.Parallel()
	s := newServer(t, sequence(
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(RequestIDHeader, "req-1")
			jsonReply(503, `{"error":"busy"}`)(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(RequestIDHeader, "req-2")
			jsonReply(200, `{}`)(w, r)
		}))
	var mu sync.Mutex
	var infos []CallInfo
	c, _ := newTestClient(t, s, WithObserver(func(ci CallInfo) {
		mu.Lock()
		defer mu.Unlock()
		infos = append(infos, ci)
	}))
	_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": "a"}, Query: url.Values{"q": {"1"}}})
	require.NoError(t, err)
	require.Len(t, infos, 2)
	assert.Equal(t, CallInfo{Method: "GET", Path: "/v1/apps/a", StatusCode: 503, RequestID: "req-1", Attempt: 1, Op: "GET /v1/apps/{app_name}", Err: infos[0].Err}, infos[0])
	var e *Error
	require.ErrorAs(t, infos[0].Err, &e)
	assert.Equal(t, 503, e.StatusCode)
	assert.Equal(t, 200, infos[1].StatusCode)
	assert.Equal(t, 2, infos[1].Attempt)
	assert.Equal(t, "req-2", infos[1].RequestID)
	assert.NoError(t, infos[1].Err)
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	c, _ := newTestClient(t, s)
	_, err := c.Do(ctx, &Request{Method: "GET", Pattern: "/v1/apps"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeCanceled, e.Code)
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, e.Retryable())
	assert.Len(t, s.Requests(), 1)

	dctx, dcancel := context.WithTimeout(t.Context(), 0)
	defer dcancel()
	_, err = c.Do(dctx, &Request{Method: "GET", Pattern: "/v1/apps"})
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeTimeout, e.Code)
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}

func TestCookieJarIsOn(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "fly-affinity", Value: "backend-7", Path: "/"})
		jsonReply(200, `{}`)(w, r)
	})
	hc := &http.Client{}
	c, _ := newTestClient(t, s, WithHTTPClient(hc))
	for range 2 {
		_, err := c.Do(t.Context(), &Request{Method: "GET", Pattern: "/v1/apps"})
		require.NoError(t, err)
	}
	reqs := s.Requests()
	assert.Empty(t, reqs[0].Header.Get("Cookie"))
	assert.Equal(t, "fly-affinity=backend-7", reqs[1].Header.Get("Cookie"))
	assert.Nil(t, hc.Jar, "the caller's http.Client is not modified")
}
