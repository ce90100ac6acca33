package flyscript

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// TestCancelAbortsCallInFlight cancels a script while its HTTP call waits
// on a simulator that answers only when its (fake, frozen) clock moves: the
// call aborts, Run returns an error that says so, and nothing is left
// running once the VM, the client and the server are closed.
func TestCancelAbortsCallInFlight(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	clock := sim.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := sim.New(sim.WithClock(clock), sim.WithLatency(time.Hour, 0))
	srv := httptest.NewServer(s)
	hc := &httpClient{}
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithHTTPClient(hc.client()))
	require.NoError(t, err)

	vm, out, _ := newVM(t, WithClient(api))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- vm.RunSource(ctx, "slow.lua", []byte(`print("calling") fly.apps.list() print("never")`))
	}()
	clock.BlockUntil(1) // the request is in the simulator
	cancel()
	select {
	case err := <-done:
		var se *ScriptError
		require.ErrorAs(t, err, &se)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, se.Message, "canceled")
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	assert.Equal(t, "calling\n", out.String())

	vm.Close()
	hc.close()
	srv.Close()
	s.Close()
}

// httpClient is an *http.Client whose idle connections the test can close.
type httpClient struct{ c *http.Client }

func (h *httpClient) client() *http.Client {
	h.c = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	return h.c
}

func (h *httpClient) close() { h.c.CloseIdleConnections() }
