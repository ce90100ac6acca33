package flyscript_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// TestPlannerGivesThePlanAsAValue runs a script in plan mode through the
// embedding API against a simulator standing in for production.
func TestPlannerGivesThePlanAsAValue(t *testing.T) {
	prod := sim.New(sim.WithTimings(sim.InstantTimings()))
	defer prod.Close()
	srv := httptest.NewServer(prod)
	defer srv.Close()
	setup, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("t"))
	require.NoError(t, err)
	_, err = setup.Apps.Create(t.Context(), &client.CreateAppRequest{Name: "web", OrgSlug: "personal"})
	require.NoError(t, err)
	m, err := setup.Machines.Create(t.Context(), "web", &client.CreateMachineRequest{Name: "web-1", Config: &client.MachineConfig{Image: "nginx:1.27"}})
	require.NoError(t, err)

	p, err := flyscript.NewPlanner(srv.URL, nil)
	require.NoError(t, err)
	defer p.Close()
	c, err := p.Client(client.WithToken("t"))
	require.NoError(t, err)
	var out strings.Builder
	vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithApp("web"), flyscript.WithStdout(&out))
	require.NoError(t, err)
	defer vm.Close()
	err = vm.RunSource(t.Context(), "deploy.lua", []byte(`
		for _, m in ipairs(fly.machines.list()) do
			m.config.image = "nginx:1.28"
			fly.machines.update(m.id, { config = m.config })
			print(fly.machines.get(m.id).config.image)
		end`))
	require.NoError(t, err)
	assert.Equal(t, "nginx:1.28\n", out.String(), "the script sees its own change")

	plan := p.Plan()
	require.Len(t, plan.Changes, 1)
	assert.Equal(t, "Machines_update", plan.Changes[0].Op)
	assert.Equal(t, m.ID, plan.Changes[0].Resource)
	assert.Equal(t, flyscript.PlanDelta{From: "nginx:1.27", To: "nginx:1.28"}, plan.Changes[0].Diff["image"])
	assert.Equal(t, "Plan: 1 update.", plan.Summary())

	got, err := setup.Machines.Get(t.Context(), "web", m.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "nginx:1.27", got.Config.Image, "production changed")
}

// A base URL its clients would refuse is refused by NewPlanner (it was
// accepted, and every Client call failed).
func TestNewPlannerChecksTheURL(t *testing.T) {
	_, err := flyscript.NewPlanner("ftp://x", nil)
	require.EqualError(t, err, `client: bad base URL "ftp://x": scheme must be http or https`)
	_, err = flyscript.NewPlanner("::bad", nil)
	require.Error(t, err)
	p, err := flyscript.NewPlanner("http://127.0.0.1:4280", nil)
	require.NoError(t, err)
	p.Close()
}
