package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// newClient serves a simulator on a loopback port, the way `flyscript --sim`
// does, and returns a client for it.
func newClient(t *testing.T, simOpts []sim.Option, opts ...client.Option) *client.Client {
	t.Helper()
	srv, err := sim.Start(simOpts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	// The simulator's rate limits are off here, so the client's are too
	// (they would make these tests wait in real time).
	base := []client.Option{client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithoutRateLimits()}
	c, err := client.New(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func do(t *testing.T, c *client.Client, req *client.Request) map[string]any {
	t.Helper()
	resp, err := c.Do(context.Background(), req)
	require.NoError(t, err)
	var out map[string]any
	if len(resp.Body) > 0 {
		require.NoError(t, json.Unmarshal(resp.Body, &out))
	}
	return out
}

func body(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// TestThroughClient drives a full cycle through the client: its Do, its
// wait loop, its errors.
func TestThroughClient(t *testing.T) {
	ctx := context.Background()
	c := newClient(t, []sim.Option{sim.WithTimings(sim.Timings{Launch: 20 * time.Millisecond, Start: 20 * time.Millisecond, Stop: 20 * time.Millisecond, Update: 20 * time.Millisecond, Destroy: 20 * time.Millisecond})})
	p := map[string]string{"app_name": "web"}
	do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps", Body: body(map[string]any{"name": "web", "org_slug": "personal"})})
	m := do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines", Params: p, Body: body(map[string]any{"config": map[string]any{"image": "nginx:1.27"}})})
	id := m["id"].(string)
	mp := map[string]string{"app_name": "web", "machine_id": id}

	w, err := c.Machines.Wait(ctx, "web", id, &client.WaitOptions{States: []string{"started"}, Timeout: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, "started", w.State)

	// Start on a started machine: 412 failed_precondition.
	_, err = c.Do(ctx, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/start", Params: mp})
	require.Error(t, err)
	assert.True(t, errors.Is(err, client.ErrPreconditionFailed), "%v", err)

	lease := do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/lease", Params: mp, Query: map[string][]string{"ttl": {"30"}}})
	nonce := lease["data"].(map[string]any)["nonce"].(string)

	upd := &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}", Params: mp, Body: body(map[string]any{"config": map[string]any{"image": "nginx:1.28"}})}
	_, err = c.Do(ctx, upd)
	var ce *client.Error
	require.ErrorAs(t, err, &ce)
	assert.True(t, errors.Is(err, client.ErrConflict))
	assert.Equal(t, 409, ce.StatusCode)
	assert.Contains(t, ce.Message, "lease currently held by")
	assert.NotEmpty(t, ce.RequestID)
	upd.Nonce = nonce
	m = do(t, c, upd)

	_, err = c.Machines.Wait(ctx, "web", id, &client.WaitOptions{States: []string{"started"}, Version: m["version"].(string), Timeout: 10 * time.Second})
	require.NoError(t, err)
	do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}/stop", Params: mp, Nonce: nonce})
	_, err = c.Machines.Wait(ctx, "web", id, &client.WaitOptions{States: []string{"stopped"}, Timeout: 10 * time.Second})
	require.NoError(t, err)
	do(t, c, &client.Request{Method: "DELETE", Pattern: "/v1/apps/{app_name}/machines/{machine_id}", Params: mp, Nonce: nonce})
	_, err = c.Machines.Wait(ctx, "web", id, &client.WaitOptions{States: []string{"destroyed"}, Timeout: 10 * time.Second})
	require.NoError(t, err)

	_, err = c.Do(ctx, &client.Request{Method: "GET", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": "nope"}})
	assert.True(t, errors.Is(err, client.ErrNotFound), "%v", err)
}

// TestClientRetriesInjectedFaults: with a seeded share of 503s and 429s,
// a retrying client still gets every answer.
func TestClientRetriesInjectedFaults(t *testing.T) {
	calls := 0
	c := newClient(t,
		[]sim.Option{sim.WithSeed(42), sim.WithFaults(sim.Faults{Error503: 0.3, Error502: 0.1})},
		client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
		client.WithObserver(func(client.CallInfo) { calls++ }),
	)
	for i := 0; i < 20; i++ {
		out := do(t, c, &client.Request{Method: "GET", Pattern: "/v1/platform/regions"})
		assert.Equal(t, "iad", out["nearest"])
	}
	assert.Greater(t, calls, 20, "some calls met a fault and were retried")
}
