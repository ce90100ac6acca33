package client

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const leaseEnvelope = `{"status":"success","data":{"nonce":"abc123","expires_at":1767322000,"owner":"me@example.com","description":"deploy","version":"01V"}}`

func TestLeaseEnvelopeAndFlatShape(t *testing.T) {
	t.Parallel()
	want := &Lease{Nonce: "abc123", ExpiresAt: 1767322000, Owner: "me@example.com", Description: "deploy", Version: "01V"}
	for name, body := range map[string]string{
		"envelope": leaseEnvelope,
		"flat":     `{"nonce":"abc123","expires_at":1767322000,"owner":"me@example.com","description":"deploy","version":"01V"}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, jsonReply(201, body))
			c, _ := newTestClient(t, s)

			l, err := c.Machines.AcquireLease(t.Context(), "web", "m1", &LeaseOptions{TTL: 30, Description: "deploy"})
			require.NoError(t, err)
			assert.Equal(t, want, l)
			r := s.Last(t)
			assert.Equal(t, "POST", r.Method)
			assert.Equal(t, "/v1/apps/web/machines/m1/lease", r.Path)
			assert.Equal(t, "ttl=30", r.RawQuery)
			assert.JSONEq(t, `{"ttl":30,"description":"deploy"}`, r.Body)
			assert.Empty(t, r.Header.Get(NonceHeader))

			l, err = c.Machines.GetLease(t.Context(), "web", "m1")
			require.NoError(t, err)
			assert.Equal(t, want, l)
			assert.Equal(t, "GET", s.Last(t).Method)
		})
	}
}

func TestLeaseRefreshAndRelease(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "DELETE" {
			jsonReply(200, `{"status":"success","data":{"ok":true}}`)(w, r)
			return
		}
		jsonReply(200, leaseEnvelope)(w, r)
	})
	c, _ := newTestClient(t, s)
	l, err := c.Machines.RefreshLease(t.Context(), "web", "m1", "abc123", &LeaseOptions{TTL: 60})
	require.NoError(t, err)
	assert.Equal(t, "abc123", l.Nonce)
	r := s.Last(t)
	assert.Equal(t, "abc123", r.Header.Get(NonceHeader))
	assert.Equal(t, "ttl=60", r.RawQuery)

	require.NoError(t, c.Machines.ReleaseLease(t.Context(), "web", "m1", "abc123"))
	r = s.Last(t)
	assert.Equal(t, "DELETE", r.Method)
	assert.Equal(t, "abc123", r.Header.Get(NonceHeader))

	_, err = c.Machines.RefreshLease(t.Context(), "web", "m1", "", nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidArgument, e.Code)
}

func TestLeaseConflictAndMissing(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" {
			jsonReply(404, `{"error":"lease not found"}`)(w, r)
			return
		}
		jsonReply(409, `{"error":"lease currently held by other@example.com, expires at 2026-01-02T03:05:00Z"}`)(w, r)
	})
	c, _ := newTestClient(t, s)
	_, err := c.Machines.AcquireLease(t.Context(), "web", "m1", nil)
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.(*Error).Hint(), "another holder")
	_, err = c.Machines.GetLease(t.Context(), "web", "m1")
	require.ErrorIs(t, err, ErrNotFound)
	assert.Equal(t, "the machine holds no lease", err.(*Error).Hint(), "a read is not told to pass a nonce")
	err = c.Machines.ReleaseLease(t.Context(), "web", "m1", "stale")
	require.ErrorIs(t, err, ErrConflict)
}

func TestHintsSayTheTruth(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method  string
		status  int
		message string
		hint    string
	}{
		{"DELETE", 404, "lease not found", "the lease has expired or was released: acquire a new one (fly.leases.acquire, or fly.leases.with)"},
		{"GET", 404, "lease not found", "the machine holds no lease"},
		{"DELETE", 412, "failed_precondition: app has 2 machines that are not stopped; stop them first or use force=true",
			"stop the machines first (fly.machines.stop, then wait for \"stopped\"), or pass force = true"},
		{"PUT", 412, "machine_version mismatch", "the resource changed since it was read: get it again and retry"},
		{"POST", 412, "something else entirely", ""},
		{"GET", 403, `host "[::]:4393" is not allowed: the simulator answers loopback hosts and the address it listens on (flyscript sim --allow-host to add one)`,
			"use the URL the simulator printed (a loopback address), or start it with --allow-host HOST"},
		{"GET", 403, "unauthorized", "the token has no access to this resource: check the app's organization and the token's scope"},
	}
	for _, tc := range cases {
		e := &Error{Method: tc.method, StatusCode: tc.status, Message: tc.message}
		assert.Equal(t, tc.hint, e.Hint(), "%s %d %s", tc.method, tc.status, tc.message)
	}
}

func TestDecodeLeaseRejectsAFailedEnvelope(t *testing.T) {
	t.Parallel()
	_, err := DecodeLease([]byte(`{"status":"error","message":"lease expired"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "lease expired")
	_, err = DecodeLease([]byte(`not json`))
	require.Error(t, err)
	l, err := DecodeLease([]byte(`{"status":"success","data":{"nonce":"n"}}`))
	require.NoError(t, err)
	assert.Equal(t, "n", l.Nonce)
}
