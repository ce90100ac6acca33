package client

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Printing a client, with any verb, or a struct holding one, never shows
// its token (the fields used to print as they are: %v gave the token twice).
func TestFormatHidesTheToken(t *testing.T) {
	const token = "FlyV1 fm2_secret-token-value"
	c, err := New(WithToken(token), WithBaseURL("http://127.0.0.1:4280"))
	if err != nil {
		t.Fatal(err)
	}
	holder := struct {
		Name   string
		Client Client
		Ptr    *Client
	}{"x", *c, c}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		for _, v := range []any{c, *c, holder, &holder, []*Client{c}, c.Apps, c.Machines} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "secret-token") || strings.Contains(out, "fm2_") {
				t.Errorf("fmt.Sprintf(%q, %T) shows the token: %s", verb, v, out)
			}
		}
	}
	if got, want := fmt.Sprint(c), "client.Client{base_url: http://127.0.0.1:4280, token: set}"; got != want {
		t.Errorf("fmt.Sprint(c) = %q, want %q", got, want)
	}
	anon, _ := New()
	if got, want := fmt.Sprintf("%+v", anon), "client.Client{base_url: https://api.machines.dev, token: none}"; got != want {
		t.Errorf("without a token: %q, want %q", got, want)
	}
	var nilClient *Client
	if got := fmt.Sprint(nilClient); got != "<nil>" {
		t.Errorf("a nil client prints %q", got)
	}
}

// CloseIdleConnections closes the connections kept for the next requests
// (a client made per run left them, and their goroutines, for 90 s).
func TestCloseIdleConnections(t *testing.T) {
	closed := make(chan struct{}, 1)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"apps": []}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithToken("t"), WithoutRateLimits())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apps.List(t.Context(), &AppListOptions{OrgSlug: "personal"}); err != nil {
		t.Fatal(err)
	}
	c.CloseIdleConnections()
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("the idle connection stayed open")
	}
}

// panickingTransport panics with the request's Authorization header.
type panickingTransport struct{ calls *int }

func (p panickingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	*p.calls++
	panic("transport bug with " + r.Header.Get("Authorization"))
}

// A RoundTripper that panics fails the call, once, without the token: on
// the goroutine of a script's task the panic ended the host process.
func TestTransportPanicIsAnError(t *testing.T) {
	calls := 0
	c, err := New(WithBaseURL("http://127.0.0.1:1"), WithToken("fm2_secret-token-value"), WithoutRateLimits(),
		WithHTTPClient(&http.Client{Transport: panickingTransport{&calls}}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { // as a task's call runs
		_, err := c.Apps.List(t.Context(), nil)
		done <- err
	}()
	err = <-done
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if e.Code != CodeInternal || !strings.Contains(e.Error(), "the HTTP transport panicked: transport bug with") {
		t.Errorf("err = %q (code %q)", e.Error(), e.Code)
	}
	if strings.Contains(e.Error(), "secret-token") {
		t.Errorf("the error shows the token: %s", e.Error())
	}
	if calls != 1 {
		t.Errorf("%d attempts, want 1 (a panic is not retried)", calls)
	}
}

// permanentError is a RoundTripper's error that no retry cures.
type permanentError struct{}

func (permanentError) Error() string   { return "the answer cannot be used" }
func (permanentError) Permanent() bool { return true }

// failingTransport fails every request with err.
type failingTransport struct {
	calls *int
	err   error
}

func (f failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	*f.calls++
	return nil, f.err
}

// A RoundTripper's error that says it is permanent (the plan overlay's,
// for an answer of the API it cannot take) fails the call at once with
// code internal: it was retried five times as a network error, with a hint
// about the network.
func TestPermanentTransportErrorIsNotRetried(t *testing.T) {
	calls := 0
	c, err := New(WithBaseURL("http://127.0.0.1:1"), WithToken("t"), WithoutRateLimits(),
		WithHTTPClient(&http.Client{Transport: failingTransport{&calls, fmt.Errorf("wrapped: %w", permanentError{})}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Apps.List(t.Context(), nil)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want an *Error", err)
	}
	if e.Code != CodeInternal || e.Hint() != "" || !strings.Contains(e.Error(), "wrapped: the answer cannot be used") {
		t.Errorf("err = %q (code %q, hint %q)", e.Error(), e.Code, e.Hint())
	}
	if calls != 1 {
		t.Errorf("the transport was called %d times, want 1", calls)
	}
}
