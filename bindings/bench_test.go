package bindings

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/openapi"
	"github.com/flyscript/flyscript/stdlib"
)

// benchFleet starts a simulator holding app "bench" with n machines and
// returns its URL and the first machine's id.
func benchFleet(b *testing.B, n int) (string, string) {
	srv := startSim(b)
	c := newTestClient(b, srv.URL)
	ctx := context.Background()
	_, err := c.Apps.Create(ctx, &client.CreateAppRequest{Name: "bench", OrgSlug: "personal"})
	require.NoError(b, err)
	first := ""
	for i := 0; i < n; i++ {
		m, err := c.Machines.Create(ctx, "bench", &client.CreateMachineRequest{
			Region: "ord", Config: &client.MachineConfig{Image: "nginx", Env: map[string]string{"N": fmt.Sprint(i)}}})
		require.NoError(b, err)
		if first == "" {
			first = m.ID
		}
	}
	return srv.URL, first
}

func benchVM(b *testing.B, url string) *lua.LState {
	L := lua.NewState()
	b.Cleanup(L.Close)
	require.NoError(b, stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}))
	_, err := Open(L, Config{Client: newTestClient(b, url), App: "bench"})
	require.NoError(b, err)
	return L
}

// BenchmarkMachinesGetLua is fly.machines.get in a Lua loop; compare with
// BenchmarkMachinesGetGo (issue 8's target: at most 1.5x).
func BenchmarkMachinesGetLua(b *testing.B) {
	url, id := benchFleet(b, 1)
	L := benchVM(b, url)
	fn, err := L.LoadString(`local id, n = ... for i = 1, n do local m = fly.machines.get(id) end`)
	require.NoError(b, err)
	b.ResetTimer()
	L.Push(fn)
	L.Push(lua.LString(id))
	L.Push(lua.LNumber(b.N))
	require.NoError(b, L.PCall(2, 0, nil))
}

// BenchmarkMachinesGetGo is the same loop through the typed Go client.
func BenchmarkMachinesGetGo(b *testing.B) {
	url, id := benchFleet(b, 1)
	c := newTestClient(b, url)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Machines.Get(ctx, "bench", id, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMachinesList1000 lists 1,000 machines into Lua tables.
func BenchmarkMachinesList1000(b *testing.B) {
	url, _ := benchFleet(b, 1000)
	L := benchVM(b, url)
	fn, err := L.LoadString(`local n = ... for i = 1, n do assert(#fly.machines.list() == 1000) end`)
	require.NoError(b, err)
	b.ResetTimer()
	L.Push(fn)
	L.Push(lua.LNumber(b.N))
	require.NoError(b, L.PCall(1, 0, nil))
}

// BenchmarkMachinesList1000Go lists the same machines through the Go client.
func BenchmarkMachinesList1000Go(b *testing.B) {
	url, _ := benchFleet(b, 1000)
	c := newTestClient(b, url)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ms, err := c.Machines.List(ctx, "bench", nil)
		if err != nil || len(ms) != 1000 {
			b.Fatal(err, len(ms))
		}
	}
}

// BenchmarkSchemaIndex is the one-time cost of the first call that needs
// the document's schemas (decoded with encoding/json, shared by all VMs).
func BenchmarkSchemaIndex(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := buildIndex(openapi.JSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the cost of installing the fly module in a new VM.
func BenchmarkOpen(b *testing.B) {
	for i := 0; i < b.N; i++ {
		L := lua.NewState()
		if _, err := Open(L, Config{App: "x"}); err != nil {
			b.Fatal(err)
		}
		L.Close()
	}
}
