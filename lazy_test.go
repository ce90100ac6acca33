package flyscript

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// A machine whose config was never read converts to Go whole: Eval gives
// the config the simulator holds, as it does for one whose config was read.
func TestEvalConvertsARecordWhole(t *testing.T) {
	s := sim.New(sim.WithTimings(sim.InstantTimings()), sim.WithRateLimits(false))
	t.Cleanup(s.Close)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithoutRateLimits())
	require.NoError(t, err)
	vm, _, _ := newVM(t, WithClient(api), WithApp("lazy"))
	_, err = vm.Eval(t.Context(), `fly.apps.create{name = "lazy", org_slug = "personal"}
		id = fly.machines.create{region = "ord", config = {image = "nginx:1", env = {PORT = "80"}}}.id`)
	require.NoError(t, err)

	got, err := vm.Eval(t.Context(), `fly.machines.get(id)`)
	require.NoError(t, err)
	require.Len(t, got, 1)
	m := got[0].(map[string]any)
	config, ok := m["config"].(map[string]any)
	require.True(t, ok, "config missing from %v", m)
	assert.Equal(t, "nginx:1", config["image"])
	assert.Equal(t, map[string]any{"PORT": "80"}, config["env"])

	read, err := vm.Eval(t.Context(), `local m = fly.machines.get(id) local _ = m.config.image m.events = m.events return m`)
	require.NoError(t, err)
	assert.Equal(t, m["config"], read[0].(map[string]any)["config"])
	assert.Equal(t, len(m), len(read[0].(map[string]any)))
}
