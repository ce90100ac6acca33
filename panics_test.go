package flyscript

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// An embedder's observer that panics fails the call it observes, without
// the token, on the script's goroutine and on a task's: there, nothing
// else recovered it and the host process ended.
func TestPanickingObserverFailsTheCall(t *testing.T) {
	t.Parallel()
	const token = "fm2_observer-panic-token-value"
	srv := httptest.NewServer(sim.New(sim.WithToken(token), sim.WithRateLimits(false)))
	t.Cleanup(srv.Close)
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken(token), client.WithoutRateLimits(),
		client.WithObserver(func(ci client.CallInfo) { panic("observer bug near " + token) }))
	require.NoError(t, err)
	vm, _, _ := newVM(t, WithClient(api))

	for name, src := range map[string]string{
		"script":   `return pcall(fly.apps.list)`,
		"task":     `return pcall(function() return fly.spawn(fly.apps.list):wait() end)`,
		"parallel": `return pcall(fly.parallel, {1, 2}, function() return fly.apps.list() end)`,
	} {
		vals, err := vm.Eval(t.Context(), src)
		require.NoError(t, err, name)
		require.Len(t, vals, 2, name)
		assert.Equal(t, false, vals[0], name)
		msg := fmt.Sprint(vals[1])
		assert.Contains(t, msg, "panicked: observer bug near", name)
		assert.NotContains(t, msg, "observer-panic-token", name)
	}
}
