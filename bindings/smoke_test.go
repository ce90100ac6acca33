package bindings

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSmokeMachinesGet(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, map[string]any{"id": "3d8d9a1c5e6f87", "name": "web", "region": "ord", "state": "started",
			"config": map[string]any{"image": "nginx", "guest": map[string]any{"cpus": 1}}})
	})
	L, _ := newVM(t, api.srv.URL, "my-app")
	assert.Equal(t, "<machine 3d8d9a1c5e6f87 web ord started>", evalString(t, L, `fly.machines.get("3d8d9a1c5e6f87")`))
	assert.Equal(t, "/v1/apps/my-app/machines/3d8d9a1c5e6f87", api.last().Path)
	require.Equal(t, "", runErr(L, `fly.machines.create{region = "ord", config = {image = "x", guest = {cpus = 1, memory_mb = 256}, env = {}}, }`))
	assert.JSONEq(t, `{"config":{"env":{},"guest":{"cpus":1,"memory_mb":256},"image":"x"},"region":"ord"}`, api.last().Body)
	assert.Equal(t, `fly.machines.create: config.imagee: unknown field (did you mean "image"?)`, runErr(L, `fly.machines.create{config = {imagee = "x"}}`))
	assert.Equal(t, `fly.machines.create: config.guest.cpus: expected integer, got string`, runErr(L, `fly.machines.create{config = {guest = {cpus = "1"}}}`))
	assert.Contains(t, runErr(L, `fly.machines.get()`), `bad argument #1 to 'fly.machines.get' (string expected, got nil)`)
	assert.Contains(t, runErr(L, `fly.use(nil)`), `bad argument #1 to 'fly.use' (string expected, got nil)`)
	assert.Contains(t, runErr(L, `fly.machines.list{stat = "started"}`), `fly.machines.list: stat: unknown field (did you mean "state"?)`)
}
