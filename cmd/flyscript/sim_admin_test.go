package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSimCommandAdmin: the admin endpoint is refused by default and serves
// the clock, failures and the request log with --admin.
func TestSimCommandAdmin(t *testing.T) {
	base, _, _ := runSim(t, "--listen", "127.0.0.1:0", "--rate-limits=off")
	code, m := simCall(t, "GET", base+"/_sim/clock", "tok", nil, "")
	require.Equal(t, 403, code)
	require.Contains(t, m["error"], "--admin")

	base, stderr, _ := runSim(t, "--listen", "127.0.0.1:0", "--rate-limits=off", "--admin", "--instant")
	require.Contains(t, stderr.String(), "admin endpoint /_sim/")
	code, m = simCall(t, "POST", base+"/_sim/clock", "tok", map[string]any{"advance": "48h"}, "")
	require.Equal(t, 200, code, "%v", m)
	now, err := time.Parse(time.RFC3339Nano, m["now"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now().Add(48*time.Hour), now, time.Minute)

	code, m = simCall(t, "POST", base+"/_sim/failures", "tok", map[string]any{"op": "Apps_create", "status": 500}, "")
	require.Equal(t, 201, code, "%v", m)
	code, _ = simCall(t, "POST", base+"/v1/apps", "tok", map[string]any{"name": "web", "org_slug": "personal"}, "")
	require.Equal(t, 500, code)
	code, m = simCall(t, "POST", base+"/v1/apps", "tok", map[string]any{"name": "web", "org_slug": "personal"}, "")
	require.Equal(t, 201, code, "%v", m)
	// Machines created now carry the shifted time.
	code, m = simCall(t, "POST", base+"/v1/apps/web/machines", "tok", map[string]any{"config": map[string]any{"image": "nginx"}}, "")
	require.Equal(t, 200, code, "%v", m)
	created, err := time.Parse(time.RFC3339, m["created_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, now, created, time.Minute)

	code, m = simCall(t, "GET", base+"/_sim/requests", "tok", nil, "")
	require.Equal(t, 200, code)
	var got []any
	for _, r := range m["requests"].([]any) {
		q := r.(map[string]any)
		got = append(got, q["op"], q["status"])
	}
	require.Equal(t, []any{"Apps_create", float64(500), "Apps_create", float64(201), "Machines_create", float64(200)}, got)
}
