package bindings

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/stdlib"
)

// testToken is the token the tests' clients send; no output may contain it.
const testToken = "fm2_test-token-never-shown"

// seen is one request a test server received.
type seen struct {
	Method, Path, Query, Nonce string
	Body                       string
}

// fakeAPI is an httptest server answering from a function and recording
// what it was asked.
type fakeAPI struct {
	mu   sync.Mutex
	reqs []seen
	srv  *httptest.Server
}

func (a *fakeAPI) requests() []seen {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]seen(nil), a.reqs...)
}

func (a *fakeAPI) last() seen {
	r := a.requests()
	if len(r) == 0 {
		return seen{}
	}
	return r[len(r)-1]
}

// newFakeAPI starts a server whose answers come from answer.
func newFakeAPI(t testing.TB, answer func(w http.ResponseWriter, r *http.Request, body []byte)) *fakeAPI {
	a := &fakeAPI{}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		a.mu.Lock()
		a.reqs = append(a.reqs, seen{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Nonce: r.Header.Get(client.NonceHeader), Body: string(body)})
		a.mu.Unlock()
		answer(w, r, body)
	}))
	t.Cleanup(a.srv.Close)
	return a
}

// writeJSON answers with status and v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// newTestClient is a client of base without rate limits or retries.
func newTestClient(t testing.TB, base string, opts ...client.Option) *client.Client {
	opts = append([]client.Option{client.WithBaseURL(base), client.WithToken(testToken),
		client.WithoutRateLimits(), client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 1})}, opts...)
	c, err := client.New(opts...)
	require.NoError(t, err)
	return c
}

// newVM is a Lua state with the host modules and the fly module talking to
// base, with app as the default app.
func newVM(t testing.TB, base, app string, opts ...client.Option) (*lua.LState, *Fly) {
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}))
	L.SetGlobal("error", L.NewFunction(luadiag.Error)) // the VM's error (internal/lua51), with the Lua 5.1 levels the embedded modules count on
	f, err := Open(L, Config{Client: newTestClient(t, base, opts...), App: app})
	require.NoError(t, err)
	return L, f
}

// runErr runs src and returns its error text ("" when it succeeded).
func runErr(L *lua.LState, src string) string {
	err := L.DoString(src)
	if err == nil {
		return ""
	}
	if ae, ok := err.(*lua.ApiError); ok {
		if fe := AsError(ae.Object); fe != nil {
			return fe.Error()
		}
		return ae.Object.String()
	}
	return err.Error()
}

// eval runs `return <expr>` and returns the value's string form via tostring.
func evalString(t testing.TB, L *lua.LState, expr string) string {
	t.Helper()
	require.NoError(t, L.DoString("__result = tostring("+expr+")"))
	return L.GetGlobal("__result").String()
}

// stepClock is a client.Clock whose sleeps take no real time.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}
