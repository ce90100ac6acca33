package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// These tests send requests shaped as fly-go's flaps client sends them (its
// query strings, its fields outside the document, its zero values), where
// the simulator once answered differently from the real API.

// TestFlapsAppRole: flaps' CreateApp posts `?wait=true` with `app_role_id`
// (flyctl creates Postgres apps with "postgres_cluster"), its App reads
// `app_role` (IsPostgresApp), and ListApps filters with `app_role`, a query
// parameter of the document ("Filter apps by role").
func TestFlapsAppRole(t *testing.T) {
	h := newHarness(t)
	h.ok("POST", "/v1/apps?wait=true", map[string]any{"name": "db", "org_slug": "personal", "network": "", "app_role_id": "postgres_cluster"})
	h.ok("POST", "/v1/apps?wait=true", map[string]any{"name": "web", "org_slug": "personal", "network": "", "app_role_id": ""})

	assert.Equal(t, "postgres_cluster", h.ok("GET", "/v1/apps/db", nil).JSON()["app_role"])
	_, has := h.ok("GET", "/v1/apps/web", nil).JSON()["app_role"]
	assert.False(t, has, "an app without a role has no app_role")

	names := func(target string) []string {
		var out []string
		for _, a := range h.ok("GET", target, nil).JSON()["apps"].([]any) {
			out = append(out, a.(map[string]any)["name"].(string))
		}
		return out
	}
	assert.Equal(t, []string{"db"}, names("/v1/apps?org_slug=personal&app_role=postgres_cluster"))
	assert.Empty(t, names("/v1/apps?org_slug=personal&app_role=other"))
	assert.ElementsMatch(t, []string{"db", "web"}, names("/v1/apps?org_slug=personal"))

	// An app seeded from another API keeps its role.
	assert.NoError(t, h.s.SeedApp(SeedApp{Name: "pg2", AppRole: "postgres_cluster"}))
	assert.ElementsMatch(t, []string{"db", "pg2"}, names("/v1/apps?org_slug=personal&app_role=postgres_cluster"))
}
