package bench

import (
	"context"
	"encoding/json"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
)

// BenchmarkGet is measurement 1, the client's call overhead: Get Machine in a
// loop against the simulator on loopback, through client.Machines.Get
// (impl=client) and through a plain net/http GET plus json.Unmarshal of the
// same answer into the same client.Machine (impl=nethttp). Rate limits are off
// on both sides (client.WithoutRateLimits, sim.WithRateLimits(false)).
// Target: client <= 1.15x nethttp.
func BenchmarkGet(b *testing.B) {
	srv := startSim(b)
	c := newClient(b, srv.URL)
	id := fleet(b, c, 1)[0]
	url := srv.URL + "/v1/apps/" + benchApp + "/machines/" + id
	ctx := context.Background()

	b.Run("impl=nethttp", func(b *testing.B) {
		hc := plainHTTPClient(2)
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			body, err := plainGet(hc, url)
			if err != nil {
				b.Fatal(err)
			}
			var m client.Machine
			if err := json.Unmarshal(body, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=client", func(b *testing.B) {
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Machines.Get(ctx, benchApp, id, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGetLua is measurement 2, the binding's overhead:
// fly.machines.get(id) in a Lua loop (impl=lua, a flyscript.New VM) against
// the same loop in Go with client.Machines.Get (impl=go), against the same
// simulator, rate limits off. impl=lua-state reads m.state of each answer;
// impl=lua-config reads m.config.image too, so the record's config is
// decoded (a record's objects and arrays are decoded on first access). Target
// (issue 19): lua and lua-state <= 1.15x go in time, <= 1.3x in bytes.
func BenchmarkGetLua(b *testing.B) {
	srv := startSim(b)
	c := newClient(b, srv.URL)
	id := fleet(b, c, 1)[0]
	ctx := context.Background()

	b.Run("impl=go", func(b *testing.B) {
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Machines.Get(ctx, benchApp, id, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=lua", func(b *testing.B) {
		vm := newVM(b, c)
		runLua(b, vm, `fly.machines.get(...)`, lua.LString(id)) // warm: first-use decoding
		defer cpuTime(b)()
		b.ReportAllocs()
		b.ResetTimer()
		runLua(b, vm, `local id, n = ... for i = 1, n do local m = fly.machines.get(id) end`,
			lua.LString(id), lua.LNumber(b.N))
	})
	for _, v := range []struct{ name, read string }{
		{"impl=lua-state", `m.state`},
		{"impl=lua-config", `m.config.image`},
	} {
		b.Run(v.name, func(b *testing.B) {
			vm := newVM(b, c)
			src := `local id, n = ... for i = 1, n do local m = fly.machines.get(id) if ` + v.read + ` == nil then error("nil") end end`
			runLua(b, vm, src, lua.LString(id), lua.LNumber(1))
			defer cpuTime(b)()
			b.ReportAllocs()
			b.ResetTimer()
			runLua(b, vm, src, lua.LString(id), lua.LNumber(b.N))
		})
	}
}
