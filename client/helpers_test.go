package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock advances only when slept on.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	frozen bool // Sleep records but does not advance
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	if !f.frozen {
		f.now = f.now.Add(d)
	}
	return nil
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

func (f *fakeClock) Total() time.Duration {
	var t time.Duration
	for _, d := range f.Sleeps() {
		t += d
	}
	return t
}

// recorded is one request as the test server saw it.
type recorded struct {
	Method, Path, RawPath, RawQuery string
	Header                          http.Header
	Body                            string
}

// server is an httptest server that records requests and answers with
// handler.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

func (s *server) Requests() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.reqs...)
}

func (s *server) Last(t *testing.T) recorded {
	t.Helper()
	r := s.Requests()
	require.NotEmpty(t, r, "no request reached the server")
	return r[len(r)-1]
}

func newServer(t *testing.T, handler http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, recorded{r.Method, r.URL.Path, r.URL.RawPath, r.URL.RawQuery, r.Header.Clone(), string(body)})
		s.mu.Unlock()
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// jsonReply answers status with body.
func jsonReply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// sequence answers with each handler in turn, repeating the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

// resetConn closes the connection without an answer.
func resetConn(w http.ResponseWriter, _ *http.Request) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

const testToken = "fm2_lJPECAAAAAAAAsecretsecretsecret"

// newTestClient returns a client for s with a fake clock, no jitter and the
// test token; opts come last and win.
func newTestClient(t *testing.T, s *server, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	base := []Option{WithBaseURL(s.URL), WithToken(testToken), WithClock(clk), func(c *Client) error {
		c.rand = func() float64 { return 0.5 }
		return nil
	}}
	c, err := New(append(base, opts...)...)
	require.NoError(t, err)
	return c, clk
}

func errCanceled() error { return context.Canceled }

// check is what a request case expects the server to see.
type check struct {
	method, path string
	query        url.Values
	body         string // JSON; "" for none
	nonce        string
}

// requestCase calls one method against a server answering 200 with reply.
type requestCase struct {
	name  string
	reply string
	call  func(c *Client) error
	want  check
}

// runRequestCases runs each case against its own server and checks the
// method, path, query, body, nonce and auth header of the request sent.
func runRequestCases(t *testing.T, cases []requestCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, jsonReply(200, tc.reply))
			c, _ := newTestClient(t, s)
			require.NoError(t, tc.call(c))
			r := s.Last(t)
			assert.Equal(t, tc.want.method, r.Method)
			assert.Equal(t, tc.want.path, r.Path)
			q, err := url.ParseQuery(r.RawQuery)
			require.NoError(t, err)
			if tc.want.query == nil {
				assert.Empty(t, q)
			} else {
				assert.Equal(t, tc.want.query, q)
			}
			if tc.want.body == "" {
				assert.Empty(t, r.Body)
				assert.Empty(t, r.Header.Get("Content-Type"))
			} else {
				assert.JSONEq(t, tc.want.body, r.Body)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
			}
			assert.Equal(t, tc.want.nonce, r.Header.Get(NonceHeader))
			assert.Equal(t, "FlyV1 "+testToken, r.Header.Get("Authorization"))
		})
	}
}
