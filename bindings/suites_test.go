package bindings

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"

	"github.com/flyscript/flyscript/client"
	flylua "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/sim"
	"github.com/flyscript/flyscript/stdlib"
)

// startSim serves a simulator with instant transitions and no rate limits.
func startSim(t testing.TB, opts ...sim.Option) *sim.Running {
	opts = append([]sim.Option{sim.WithTimings(sim.InstantTimings()), sim.WithRateLimits(false)}, opts...)
	srv, err := sim.Start(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// simVM is a Lua state with every host module, the assert module and the
// fly module talking to a fresh simulator.
func simVM(t testing.TB, stderr io.Writer, opts ...client.Option) (*lua.LState, *Fly) {
	srv := startSim(t)
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}))
	L.SetGlobal("error", L.NewFunction(luadiag.Error)) // the VM's error (internal/lua51), with the Lua 5.1 levels the embedded modules count on
	flylua.Preload(L)
	c := newTestClient(t, srv.URL, opts...)
	f, err := Open(L, Config{Client: c, Stderr: stderr})
	require.NoError(t, err)
	return L, f
}

// TestLuaSuites runs every testdata/*.lua against its own simulator.
func TestLuaSuites(t *testing.T) {
	files, err := filepath.Glob("testdata/*.lua")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			var stderr strings.Builder
			L, _ := simVM(t, &stderr)
			fn, err := L.Load(strings.NewReader(string(src)), file)
			require.NoError(t, err)
			L.Push(fn)
			if err := L.PCall(0, 0, L.NewFunction(traceback)); err != nil {
				t.Fatalf("%s", err)
			}
			require.NotContains(t, stderr.String(), testToken)
		})
	}
}

// traceback is a message handler adding the Lua traceback and printing
// error values through their __tostring.
func traceback(L *lua.LState) int {
	msg := L.Get(1)
	text := msg.String()
	if e := AsError(msg); e != nil {
		text = e.Error()
	}
	L.Push(lua.LString(text + "\n" + L.Where(1)))
	return 1
}
