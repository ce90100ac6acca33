package client

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// createServer answers machine creates with create and lists with list.
func createServer(t *testing.T, create http.HandlerFunc, list string) *server {
	return newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "POST":
			create(w, r)
		case "GET":
			jsonReply(200, list)(w, r)
		}
	})
}

var createReq = func(body string) *Request {
	return &Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines", Params: map[string]string{"app_name": "web"}, Body: []byte(body)}
}

func TestCreateWithUnknownOutcomeFindsTheMachineByName(t *testing.T) {
	t.Parallel()
	s := createServer(t, resetConn, `[{"id":"other","name":"x"},{"id":"m1","name":"worker-1","state":"started"}]`)
	c, _ := newTestClient(t, s, WithoutRateLimits())
	resp, err := c.Do(t.Context(), createReq(`{"name":"worker-1","config":{"image":"nginx"}}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"m1","name":"worker-1","state":"started"}`, string(resp.Body))
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "GET", reqs[1].Method)
	assert.Equal(t, "/v1/apps/web/machines", reqs[1].Path)
}

func TestCreateWithUnknownOutcomeRetriesWhenTheNameIsAbsent(t *testing.T) {
	t.Parallel()
	var creates atomic.Int32
	s := createServer(t, func(w http.ResponseWriter, r *http.Request) {
		if creates.Add(1) == 1 {
			jsonReply(504, `{"error":"gateway timeout"}`)(w, r)
			return
		}
		jsonReply(200, `{"id":"m2","name":"worker-2"}`)(w, r)
	}, `[]`)
	c, _ := newTestClient(t, s, WithoutRateLimits())
	resp, err := c.Do(t.Context(), createReq(`{"name":"worker-2"}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"m2","name":"worker-2"}`, string(resp.Body))
	var methods []string
	for _, r := range s.Requests() {
		methods = append(methods, r.Method)
	}
	assert.Equal(t, []string{"POST", "GET", "POST"}, methods)
}

func TestCreateWithUnknownOutcomeAndNoNameIsNotRetried(t *testing.T) {
	t.Parallel()
	for _, h := range []http.HandlerFunc{resetConn, jsonReply(502, ``)} {
		s := createServer(t, h, `[]`)
		c, _ := newTestClient(t, s, WithoutRateLimits())
		_, err := c.Do(t.Context(), createReq(`{"config":{"image":"nginx"}}`))
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, CodeOutcomeUnknown, e.Code)
		assert.Contains(t, e.Message, "outcome is unknown")
		assert.False(t, e.Retryable())
		assert.Contains(t, e.Hint(), "before trying again")
		assert.Len(t, s.Requests(), 1)
	}
}

func TestCreateWithUnknownOutcomeWhenTheLookupFails(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			resetConn(w, r)
			return
		}
		jsonReply(403, `{"error":"no"}`)(w, r)
	})
	c, _ := newTestClient(t, s, WithoutRateLimits())
	_, err := c.Do(t.Context(), createReq(`{"name":"w"}`))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeOutcomeUnknown, e.Code)
	assert.Contains(t, e.Message, `looking up machine "w" failed`)
}

func TestCreateRejectedOutrightIsNotLookedUp(t *testing.T) {
	t.Parallel()
	s := createServer(t, jsonReply(422, `{"error":"no capacity","status":"insufficient_capacity"}`), `[]`)
	c, _ := newTestClient(t, s, WithoutRateLimits())
	_, err := c.Do(t.Context(), createReq(`{"name":"w"}`))
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "insufficient_capacity", e.Code)
	assert.Len(t, s.Requests(), 1)
}
