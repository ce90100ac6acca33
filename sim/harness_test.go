package sim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the fake clock's start.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// harness drives a simulator on a fake clock through its http.Handler and
// validates every response against the document.
type harness struct {
	t   testing.TB
	s   *Server
	clk *FakeClock
}

// Every harness persists its state (in a temporary folder unless the test
// gives WithStateFile) and checks after each write that the files on disk,
// loaded afresh, hold exactly the state in memory: every test is also a test
// of the journal.
func newHarness(t testing.TB, opts ...Option) *harness {
	clk := NewFakeClock(t0)
	base := []Option{WithClock(clk), WithStateFile(filepath.Join(t.TempDir(), "state.json")), withoutSync()}
	s := New(append(base, opts...)...)
	t.Cleanup(s.Close)
	checkJournal(t, s)
	return &harness{t: t, s: s, clk: clk}
}

// result is one answer.
type result struct {
	t      testing.TB
	Code   int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as an object.
func (r *result) JSON() map[string]any {
	r.t.Helper()
	var m map[string]any
	require.NoError(r.t, json.Unmarshal(r.Body, &m), "body: %s", r.Body)
	return m
}

// List decodes the body as an array of objects.
func (r *result) List() []map[string]any {
	r.t.Helper()
	var l []map[string]any
	require.NoError(r.t, json.Unmarshal(r.Body, &l), "body: %s", r.Body)
	return l
}

// Err is the error message of an error answer.
func (r *result) Err() string {
	r.t.Helper()
	s, _ := r.JSON()["error"].(string)
	return s
}

// req is one request: headers are "Name: value" strings; a body that is a
// string or []byte is sent as is, anything else as JSON.
func (h *harness) req(method, target string, body any, headers ...string) *http.Request {
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		require.NoError(h.t, err)
		rd = bytes.NewReader(j)
	}
	r := httptest.NewRequest(method, target, rd)
	r.Header.Set("Authorization", "Bearer test-token")
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		if strings.TrimSpace(v) == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, strings.TrimSpace(v))
		}
	}
	return r
}

// serve runs a prepared request and validates the answer.
func (h *harness) serve(r *http.Request) *result {
	h.t.Helper()
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, r)
	res := &result{t: h.t, Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	checkResponse(h.t, r, res.Code, res.Header, res.Body)
	return res
}

func (h *harness) do(method, target string, body any, headers ...string) *result {
	h.t.Helper()
	return h.serve(h.req(method, target, body, headers...))
}

// ok is do that requires a 2xx answer.
func (h *harness) ok(method, target string, body any, headers ...string) *result {
	h.t.Helper()
	r := h.do(method, target, body, headers...)
	require.True(h.t, r.Code >= 200 && r.Code < 300, "%s %s: %d %s", method, target, r.Code, r.Body)
	return r
}

// async runs a request in the background (a long poll); the answer comes on
// the channel.
func (h *harness) async(method, target string, headers ...string) <-chan *result {
	r := h.req(method, target, nil, headers...)
	ch := make(chan *result, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.s.ServeHTTP(rec, r)
		ch <- &result{t: h.t, Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	}()
	return ch
}

// app creates an app in personal.
func (h *harness) app(name string) {
	h.t.Helper()
	h.ok("POST", "/v1/apps", map[string]any{"name": name, "org_slug": "personal"})
}

// machine creates a machine and returns its id; extra fields go in the body.
func (h *harness) machine(app string, body map[string]any) string {
	h.t.Helper()
	if body == nil {
		body = map[string]any{}
	}
	if body["config"] == nil {
		body["config"] = map[string]any{"image": "nginx:1.27"}
	}
	return h.ok("POST", "/v1/apps/"+app+"/machines", body).JSON()["id"].(string)
}

// settle advances the clock far enough for every transition to end.
func (h *harness) settle() { h.clk.Advance(10 * time.Second) }

// state reads a machine's state.
func (h *harness) state(app, id string) string {
	h.t.Helper()
	return h.ok("GET", "/v1/apps/"+app+"/machines/"+id, nil).JSON()["state"].(string)
}

// started creates a machine and lets it start.
func (h *harness) started(app string) string {
	h.t.Helper()
	id := h.machine(app, nil)
	h.settle()
	require.Equal(h.t, "started", h.state(app, id))
	return id
}
