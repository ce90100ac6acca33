package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/stdlib"
)

// listSize is the fleet of measurement 3.
const listSize = 1000

// listBody returns the simulator's answer to List Machines for a fleet of
// listSize machines, and the simulator's URL.
func listBody(b *testing.B) ([]byte, string) {
	srv := startSim(b)
	fleet(b, newClient(b, srv.URL), listSize)
	body, err := plainGet(plainHTTPClient(2), srv.URL+"/v1/apps/"+benchApp+"/machines")
	if err != nil {
		b.Fatal(err)
	}
	var check []json.RawMessage
	if err := json.Unmarshal(body, &check); err != nil || len(check) != listSize {
		b.Fatalf("list: %d machines, %v", len(check), err)
	}
	return body, srv.URL
}

// listLoop is fly.machines.list() n times, checking the count.
const listLoop = `local n, want = ... for i = 1, n do local ms = fly.machines.list() if #ms ~= want then error(#ms) end end`

// listStateLoop is listLoop reading every machine's state.
const listStateLoop = `local n, want = ... for i = 1, n do local ms = fly.machines.list() if #ms ~= want then error(#ms) end
  for j = 1, #ms do if ms[j].state == nil then error(j) end end end`

// listPairsLoop is listLoop walking every machine with pairs, which decodes
// all of each record's members (its config, events, checks).
const listPairsLoop = `local n, want = ... for i = 1, n do local ms = fly.machines.list() if #ms ~= want then error(#ms) end
  for j = 1, #ms do for _ in pairs(ms[j]) do end end end`

// BenchmarkListConvert is measurement 3, the conversion itself: the same
// bytes (the simulator's List Machines answer for 1,000 machines) decoded by
// json.Unmarshal into []map[string]any (impl=unmarshal), and by
// fly.machines.list() into Lua tables (impl=lua), its client answering from
// memory (an http.RoundTripper that returns the bytes, no network).
// impl=jsondecode is the host json module's decoder (stdlib.FromJSON, what
// json.decode does) on the same bytes, and impl=typed json.Unmarshal into
// []client.Machine, for reference. impl=lua-state reads every machine's
// state; impl=lua-pairs walks every machine with pairs, so every member of
// every record is decoded (a record's objects and arrays are decoded on
// first access otherwise). Target (issue 19): lua-state <= 1.1x unmarshal.
func BenchmarkListConvert(b *testing.B) {
	body, _ := listBody(b)

	b.Run("impl=unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			var out []map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=lua", func(b *testing.B) {
		c := newClient(b, "http://canned.invalid", client.WithHTTPClient(&http.Client{Transport: cannedTransport{body}}))
		vm := newVM(b, c)
		runLua(b, vm, listLoop, lua.LNumber(1), lua.LNumber(listSize)) // warm: first-use decoding
		b.SetBytes(int64(len(body)))
		defer cpuTime(b)()
		b.ReportAllocs()
		b.ResetTimer()
		runLua(b, vm, listLoop, lua.LNumber(b.N), lua.LNumber(listSize))
	})
	for _, v := range []struct{ name, loop string }{
		{"impl=lua-state", listStateLoop},
		{"impl=lua-pairs", listPairsLoop},
	} {
		b.Run(v.name, func(b *testing.B) {
			c := newClient(b, "http://canned.invalid", client.WithHTTPClient(&http.Client{Transport: cannedTransport{body}}))
			vm := newVM(b, c)
			runLua(b, vm, v.loop, lua.LNumber(1), lua.LNumber(listSize))
			b.SetBytes(int64(len(body)))
			defer cpuTime(b)()
			b.ReportAllocs()
			b.ResetTimer()
			runLua(b, vm, v.loop, lua.LNumber(b.N), lua.LNumber(listSize))
		})
	}
	b.Run("impl=jsondecode", func(b *testing.B) {
		L := lua.NewState()
		defer L.Close()
		b.SetBytes(int64(len(body)))
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdlib.FromJSON(L, body, stdlib.NullAsNil()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=typed", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			var out []client.Machine
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkListE2E is measurement 3 end to end against the simulator on
// loopback: a plain net/http GET plus json.Unmarshal into []map[string]any
// (impl=nethttp), fly.machines.list() (impl=lua), and client.Machines.List
// into typed models (impl=client), 1,000 machines each time.
func BenchmarkListE2E(b *testing.B) {
	_, url := listBody(b)
	c := newClient(b, url)

	b.Run("impl=nethttp", func(b *testing.B) {
		hc := plainHTTPClient(2)
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			body, err := plainGet(hc, url+"/v1/apps/"+benchApp+"/machines")
			if err != nil {
				b.Fatal(err)
			}
			var out []map[string]any
			if err := json.Unmarshal(body, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=lua", func(b *testing.B) {
		vm := newVM(b, c)
		runLua(b, vm, listLoop, lua.LNumber(1), lua.LNumber(listSize))
		defer cpuTime(b)()
		b.ReportAllocs()
		b.ResetTimer()
		runLua(b, vm, listLoop, lua.LNumber(b.N), lua.LNumber(listSize))
	})
	b.Run("impl=client", func(b *testing.B) {
		ctx := context.Background()
		defer cpuTime(b)()
		b.ReportAllocs()
		for b.Loop() {
			ms, err := c.Machines.List(ctx, benchApp, nil)
			if err != nil || len(ms) != listSize {
				b.Fatal(err, len(ms))
			}
		}
	})
}
