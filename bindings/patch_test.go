package bindings

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A machine changed between patch's read and its update (409 on
// current_version): patch reads again and retries, a bounded number of times.
func TestPatchRetriesAConcurrentChange(t *testing.T) {
	version, conflicts := 1, 2
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if r.Method == "GET" {
			writeJSON(w, 200, map[string]any{"id": "m1", "state": "started", "version": "v" + string(rune('0'+version)),
				"config": map[string]any{"image": "a", "env": map[string]any{"K": "1"}, "guest": map[string]any{"cpus": 4, "memory_mb": 8192}}})
			return
		}
		if conflicts > 0 {
			conflicts--
			version++ // someone else updated it meanwhile
			writeJSON(w, 409, map[string]any{"error": "current_version v0 does not match the machine's version"})
			return
		}
		writeJSON(w, 200, map[string]any{"id": "m1", "state": "replacing"})
	})
	L, _ := newVM(t, api.srv.URL, "web")
	require.Equal(t, "", runErr(L, `fly.machines.patch("m1", {config = {image = "b"}})`))
	reqs := api.requests()
	require.Len(t, reqs, 6, "read, update (409), read, update (409), read, update")
	var last map[string]any
	require.NoError(t, json.Unmarshal([]byte(reqs[5].Body), &last))
	assert.Equal(t, "v3", last["current_version"], "the version of the last read")
	assert.Equal(t, map[string]any{"image": "b", "env": map[string]any{"K": "1"}, "guest": map[string]any{"cpus": float64(4), "memory_mb": float64(8192)}}, last["config"])
	assert.NotContains(t, last, "skip_launch", "a running machine is updated as usual")

	conflicts = 5
	got := runErr(L, `fly.machines.patch("m1", {config = {image = "c"}}, {retries = 1})`)
	assert.Contains(t, got, "fly.machines.patch: 409 conflict: current_version", "after one retry the conflict is raised")
	assert.Len(t, api.requests(), 6+4, "two reads and two updates")
}

// A lease held by fly.leases.with rides on patch's update.
func TestPatchCarriesTheLeaseNonce(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case r.URL.Path == "/v1/apps/web/machines/m1/lease" && r.Method == "POST":
			writeJSON(w, 200, map[string]any{"status": "success", "data": map[string]any{"nonce": "n1", "expires_at": 9e9}})
		case r.URL.Path == "/v1/apps/web/machines/m1/lease":
			writeJSON(w, 200, map[string]any{"status": "success", "data": map[string]any{"ok": true}})
		case r.Method == "GET":
			writeJSON(w, 200, map[string]any{"id": "m1", "state": "stopped", "version": "v1", "config": map[string]any{"image": "a"}})
		default:
			writeJSON(w, 200, map[string]any{"id": "m1", "state": "stopped"})
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	require.Equal(t, "", runErr(L, `fly.leases.with("m1", function() fly.machines.patch("m1", {config = {image = "b"}}) end)`))
	var update seen
	for _, r := range api.requests() {
		if r.Method == "POST" && r.Path == "/v1/apps/web/machines/m1" {
			update = r
		}
	}
	assert.Equal(t, "n1", update.Nonce)
	assert.JSONEq(t, `{"config":{"image":"b"},"current_version":"v1","skip_launch":true}`, update.Body, "a stopped machine stays stopped")
}

func TestMerge(t *testing.T) {
	base := map[string]any{"a": map[string]any{"b": 1, "c": []any{1, 2}}, "d": "x"}
	got := merge(base, map[string]any{"a": map[string]any{"c": []any{3}, "e": nil, "b": nil}, "f": map[string]any{"g": 1}})
	assert.Equal(t, map[string]any{"a": map[string]any{"c": []any{3}}, "d": "x", "f": map[string]any{"g": 1}}, got)
	assert.Equal(t, map[string]any{"a": map[string]any{"b": 1, "c": []any{1, 2}}, "d": "x"}, base, "base is not modified")
}
