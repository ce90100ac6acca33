package flyscript

import (
	"fmt"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// A machine whose config was never read converts to Go whole: Eval gives
// the config the simulator holds, as it does for one whose config was read.
func TestEvalConvertsARecordWhole(t *testing.T) {
	api := simClient(t)
	vm, _, _ := newVM(t, WithClient(api), WithApp("lazy"))
	_, err := vm.Eval(t.Context(), `fly.apps.create{name = "lazy", org_slug = "personal"}
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

// With the Lua 5.1 libraries in place (they bring their own setmetatable),
// the functions that walk or change a table raw still see a record whole,
// in a VM and in a sandboxed one; two records of the same machine compare
// the same whether or not their members were read.
func TestRawFunctionsSeeARecordWhole(t *testing.T) {
	api := simClient(t)
	setup, _, _ := newVM(t, WithClient(api), WithApp("lazy"))
	got, err := setup.Eval(t.Context(), `fly.apps.create{name = "lazy", org_slug = "personal"}
		return fly.machines.create{region = "ord", config = {image = "nginx:1"}}.id`)
	require.NoError(t, err)
	id := got[0].(string)

	cases := []struct{ name, src, want string }{
		{"setmetatable", `setmetatable(m, nil) return rawget(m, "config").image`, "nginx:1"},
		{"debug.setmetatable", `debug.setmetatable(m, nil) return rawget(m, "config").image`, "nginx:1"},
		{"next", `local k = next(m) while k ~= "config" do k = next(m, k) end return type(k)`, "string"},
		{"pairs", `for k, v in pairs(m) do if k == "config" then return v.image end end`, "nginx:1"},
		{"rawget", `return rawget(m, "config").image`, "nginx:1"},
		{"rawset", `rawset(m, "config", {image = "raw"}) for k, v in pairs(m) do if k == "config" then return v.image end end`, "raw"},
		{"assert.same", `local t = require("assert") local other = fly.machines.get(m.id) local _ = other.config.image other.events = other.events
			t.same(other, m) t.same(m, fly.machines.get(m.id)) return "same"`, "same"},
	}
	for _, sandbox := range []bool{false, true} {
		for _, tc := range cases {
			if sandbox && tc.name == "debug.setmetatable" {
				continue // no debug library in the sandbox
			}
			t.Run(fmt.Sprintf("%s/sandbox=%v", tc.name, sandbox), func(t *testing.T) {
				opts := []Option{WithClient(api), WithApp("lazy")}
				if sandbox {
					opts = append(opts, WithSandbox())
				}
				vm, _, _ := newVM(t, opts...)
				got, err := vm.Eval(t.Context(), "local m = fly.machines.get("+strconv.Quote(id)+")\n"+tc.src)
				require.NoError(t, err)
				require.Len(t, got, 1)
				assert.Equal(t, tc.want, got[0])
			})
		}
	}
}

// simClient is a client of a fresh simulator (instant transitions, no rate
// limits), served on loopback until the test ends.
func simClient(t *testing.T) *client.Client {
	t.Helper()
	s := sim.New(sim.WithTimings(sim.InstantTimings()), sim.WithRateLimits(false))
	t.Cleanup(s.Close)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"), client.WithoutRateLimits())
	require.NoError(t, err)
	return api
}

// With the Lua 5.1 libraries in place, a record whose members were never
// read looks exactly like one read whole first (json.encode reads every
// member of every record inside it): printed, inspected, encoded, walked
// with pairs or next (same keys, same order), logged.
func TestRecordLooksTheSameReadOrNot(t *testing.T) {
	api := simClient(t)
	setup, _, _ := newVM(t, WithClient(api), WithApp("lazy"))
	got, err := setup.Eval(t.Context(), `fly.apps.create{name = "lazy", org_slug = "personal"}
		return fly.machines.create{region = "ord", config = {image = "nginx:1", env = {PORT = "80", MODE = "x"},
			guest = {cpu_kind = "shared", cpus = 1, memory_mb = 256}, metadata = {role = "web"},
			services = {{protocol = "tcp", internal_port = 80, ports = {{port = 443, handlers = {"tls", "http"}}}}}}}.id`)
	require.NoError(t, err)
	id := strconv.Quote(got[0].(string))

	const walk = `local function walk(v)
		if type(v) ~= "table" then return type(v) .. ":" .. tostring(v) end
		local out = {}
		for k, x in pairs(v) do out[#out + 1] = tostring(k) .. "=" .. walk(x) end
		return "{" .. table.concat(out, ",") .. "}"
	end
	`
	observations := map[string]string{
		"print":       `print(m) print(m.events[1])`,
		"inspect":     `print(inspect(m))`,
		"json.encode": `print(json.encode(m))`,
		"pairs":       walk + `print(walk(m))`,
		"next":        `local k = next(m) while k ~= nil do io.write(k, " ") k = next(m, k) end print()`,
		"log":         `log.info("m", m)`,
	}
	for name, src := range observations {
		t.Run(name, func(t *testing.T) {
			run := func(first string) (string, string) {
				vm, out, errOut := newVM(t, WithClient(api), WithApp("lazy"), WithClock(func() time.Time { return time.Unix(0, 0) }))
				_, err := vm.Eval(t.Context(), "local m = fly.machines.get("+id+")\n"+first+"\n"+src)
				require.NoError(t, err)
				return out.String(), errOut.String()
			}
			fresh, freshErr := run("")
			whole, wholeErr := run("json.encode(m)")
			assert.Equal(t, whole, fresh)
			assert.Equal(t, wholeErr, freshErr)
			assert.NotEmpty(t, fresh+freshErr)
		})
	}
}
