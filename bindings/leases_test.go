package bindings

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// leaseAPI is a fake API for fly.leases.with: a lease on machine X has the
// nonce "n-X", a wait blocks until its request is abandoned (and reports
// the machine on busy), everything else answers {"id": X}.
func leaseAPI(t *testing.T, busy chan<- string) *fakeAPI {
	return newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		parts := strings.Split(r.URL.Path, "/") // "", v1, apps, app, machines, id, ...
		id := ""
		if len(parts) > 5 {
			id = parts[5]
		}
		switch {
		case strings.HasSuffix(r.URL.Path, "/lease") && r.Method == http.MethodPost:
			writeJSON(w, 201, map[string]any{"status": "success", "data": map[string]any{"nonce": "n-" + id}})
		case strings.HasSuffix(r.URL.Path, "/lease") && r.Method == http.MethodDelete:
			writeJSON(w, 200, map[string]any{"status": "success"})
		case strings.HasSuffix(r.URL.Path, "/wait"):
			busy <- id
			<-r.Context().Done()
		default:
			writeJSON(w, 200, map[string]any{"id": id})
		}
	})
}

// releases lists the lease DELETEs api received, as "machine nonce".
func releases(api *fakeAPI) []string {
	var out []string
	for _, r := range api.requests() {
		if r.Method == http.MethodDelete && strings.HasSuffix(r.Path, "/lease") {
			out = append(out, strings.Split(r.Path, "/")[5]+" "+r.Nonce)
		}
	}
	sort.Strings(out)
	return out
}

// An interrupted script releases the leases of fly.leases.with before its
// run returns: outside tasks and inside them, whether the interrupt finds
// fn in a call or running Lua code, and the error that ended fn is the one
// raised.
func TestLeasesWithReleasesOnCancel(t *testing.T) {
	cases := []struct {
		name  string
		src   string
		busy  int    // waits in flight and ready() calls before the interrupt
		err   string // the error raised, or a part of it
		freed []string
	}{
		{"during a call", `fly.leases.with("m1", {ttl = 60}, function() fly.machines.wait("m1", "stopped", {timeout = "10m"}) end)`,
			1, "fly.machines.wait: canceled", []string{"m1 n-m1"}},
		{"in a Lua loop", `fly.leases.with("m1", function() ready() while true do end end)`,
			1, "context canceled", []string{"m1 n-m1"}},
		{"nested", `fly.leases.with("m1", function() fly.leases.with("m2", function() ready() while true do end end) end)`,
			1, "context canceled", []string{"m1 n-m1", "m2 n-m2"}},
		{"fn's pcall catches the interrupt", `fly.leases.with("m1", function() ready(); pcall(function() while true do end end); return 1 end)`,
			1, "context canceled", []string{"m1 n-m1"}},
		{"in fly.parallel tasks", `fly.parallel({"m1", "m2", "m3"}, function(id)
				return fly.leases.with(id, function() return fly.machines.wait(id, "stopped", {timeout = "10m"}) end)
			end)`, 3, "canceled", []string{"m1 n-m1", "m2 n-m2", "m3 n-m3"}},
		{"in a task running Lua", `fly.spawn(function() fly.leases.with("m1", function() ready() while true do end end) end):wait()`,
			1, "context canceled", []string{"m1 n-m1"}},
		{"tasks inside a lease", `fly.leases.with("m0", function()
				fly.parallel({"m1", "m2"}, function(id)
					fly.leases.with(id, function() fly.machines.wait(id, "stopped", {timeout = "10m"}) end)
				end)
			end)`, 2, "canceled", []string{"m0 n-m0", "m1 n-m1", "m2 n-m2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			noLeaks(t)
			busy := make(chan string, 8)
			api := leaseAPI(t, busy)
			L, f := newVM(t, api.srv.URL, "web")
			L.SetGlobal("ready", L.NewFunction(func(*lua.LState) int {
				busy <- "ready"
				return 0
			}))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			L.SetContext(ctx)
			quit := make(chan struct{})
			defer close(quit)
			go func() {
				for i := 0; i < c.busy; i++ {
					select {
					case <-busy:
					case <-quit:
						return
					}
				}
				cancel()
			}()
			got := runErr(L, c.src)
			assert.Contains(t, got, c.err)
			assert.Equal(t, c.freed, releases(api), "released before the run returned")
			assert.Empty(t, f.leases)
			assert.Empty(t, f.keepers)
		})
	}
}

// Inside tasks fly.leases.with works as outside: the nonce rides on the
// machine's mutations, the lease is released after fn returns or fails,
// and fn's error is raised unchanged.
func TestLeasesWithInTasks(t *testing.T) {
	noLeaks(t)
	api := leaseAPI(t, make(chan string, 1))
	L, f := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`
		local nonces = fly.parallel({"m1", "m2"}, function(id)
			return fly.leases.with(id, {ttl = 60}, function(lease)
				fly.machines.stop(id)
				return lease.nonce
			end)
		end)
		assert(nonces[1] == "n-m1" and nonces[2] == "n-m2")
		local task = fly.spawn(function()
			return pcall(fly.leases.with, "m3", function() fly.machines.stop("m3"); error({code = "mine"}) end)
		end)
		local ok, err = task:wait()
		assert(not ok and err.code == "mine", "fn's error is raised as it is")
		fly.machines.stop("m1")
	`))
	var stops []string
	for _, r := range api.requests() {
		if strings.HasSuffix(r.Path, "/stop") {
			stops = append(stops, strings.Split(r.Path, "/")[5]+" "+r.Nonce)
		}
	}
	sort.Strings(stops)
	assert.Equal(t, []string{"m1 ", "m1 n-m1", "m2 n-m2", "m3 n-m3"}, stops, "the nonce inside with, none after")
	assert.Equal(t, []string{"m1 n-m1", "m2 n-m2", "m3 n-m3"}, releases(api))
	assert.Empty(t, f.leases)
	assert.Empty(t, f.keepers)
}
