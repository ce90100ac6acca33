package flyscript

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/lua51"
)

func TestSandboxRefusesHostAccess(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	victim := writeFile(t, dir, "victim.txt", "keep me")
	writeFile(t, dir, "mod.lua", "return 1")
	cases := []struct {
		name, src, want string
	}{
		{"io.open", `io.open(victim, "w")`, "io.open is not available in the sandbox"},
		{"io.write", `io.write("x")`, "io.write is not available in the sandbox"},
		{"io.popen", `io.popen("ls")`, "io.popen is not available in the sandbox"},
		{"require io", `require("io")`, "module io not found"},
		{"os.execute", `os.execute("touch " .. victim .. ".new")`, "os.execute is not available in the sandbox"},
		{"os.remove", `os.remove(victim)`, "os.remove is not available in the sandbox"},
		{"os.rename", `os.rename(victim, victim .. ".moved")`, "os.rename is not available in the sandbox"},
		{"os.tmpname", `os.tmpname()`, "os.tmpname is not available in the sandbox"},
		{"os.setenv", `os.setenv("X", "1")`, "os.setenv is not available in the sandbox"},
		{"loadfile", `loadfile(victim)`, "loadfile is not available in the sandbox"},
		{"dofile", `dofile(victim)`, "dofile is not available in the sandbox"},
		{"require of a file", `package.path = dir .. "/?.lua" require("mod")`, "loading modules from files is not available in the sandbox"},
		{"package.loadlib", `package.loadlib("x.so", "f")`, "package.loadlib is not available in the sandbox"},
		{"string.dump", `string.dump(print)`, "string.dump is not available in the sandbox"},
		{"string.dump method", `("x").dump(function() end)`, "string.dump is not available in the sandbox"},
		{"debug", `debug.getregistry()`, "debug.getregistry is not available in the sandbox"},
		{"replace io", `io.open = function() end`, "io is not available in the sandbox"},
		{"bytecode chunk", `assert(loadstring("\27Lua\81\0\1\4"))`, lua51.ErrBytecode},
		{"bytecode via load", `assert(load((function() local s = "\27Lua" return function() local r = s s = nil return r end end)()))`, lua51.ErrBytecode},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			vm, _, _ := newVM(t, WithSandbox())
			require.NoError(t, vm.Expose("victim", victim))
			require.NoError(t, vm.Expose("dir", dir))
			err := vm.RunSource(t.Context(), "evil.lua", []byte(c.src))
			var se *ScriptError
			require.ErrorAs(t, err, &se)
			assert.Contains(t, se.Message, c.want)
			assert.Contains(t, se.Message, "evil.lua:1")
			// The VM, and the host, keep working.
			vals, err := vm.Eval(t.Context(), "'still here'")
			require.NoError(t, err)
			assert.Equal(t, []any{"still here"}, vals)
		})
	}
	data, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(data))
	_, err = os.Stat(victim + ".new")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestSandboxKeepsTheLanguage(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t, WithSandbox())
	src := `
local t = {}
for i = 1, 3 do table.insert(t, string.format("%02d", i)) end
print(table.concat(t, ","), math.max(1, 5), os.time() > 0, type(os.clock()), os.date("!%Y", 0))
print(loadstring("return 1 + 1")(), select(2, pcall(error, "caught")))
local co = coroutine.wrap(function() coroutine.yield(1) end)
print(co(), os.getenv("HOME"))
`
	require.NoError(t, vm.RunSource(t.Context(), "ok.lua", []byte(src)))
	assert.Equal(t, "01,02,03\t5\ttrue\tnumber\t1970\n2\tcaught\n1\tnil\n", out.String())
}

func TestSandboxEnvironment(t *testing.T) {
	t.Setenv("FLYSCRIPT_SANDBOX_PROBE", "host value")
	vm, _, _ := newVM(t, WithSandbox())
	vals, err := vm.Eval(t.Context(), "os.getenv('FLYSCRIPT_SANDBOX_PROBE')")
	require.NoError(t, err)
	assert.Equal(t, []any{nil}, vals, "a sandbox sees no host variables by default")

	vm2, _, _ := newVM(t, WithSandbox(), WithEnv([]string{"GIVEN=yes"}))
	vals, err = vm2.Eval(t.Context(), "os.getenv('GIVEN'), os.getenv('FLYSCRIPT_SANDBOX_PROBE')")
	require.NoError(t, err)
	assert.Equal(t, []any{"yes", nil}, vals)

	vm3, _, _ := newVM(t, WithSandbox(), WithHostEnv())
	vals, err = vm3.Eval(t.Context(), "os.getenv('FLYSCRIPT_SANDBOX_PROBE')")
	require.NoError(t, err)
	assert.Equal(t, []any{"host value"}, vals)
}

func TestSandboxDeadlineStopsEndlessLoops(t *testing.T) {
	t.Parallel()
	loops := map[string]string{
		"while":          "while true do end",
		"pcall in loop":  "while true do pcall(error, 'x') end",
		"in a coroutine": "coroutine.wrap(function() while true do end end)()",
		"recursion":      "local function f() return pcall(f) end while true do f() end",
	}
	for name, src := range loops {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			vm, _, _ := newVM(t, WithSandbox())
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			err := vm.RunSource(ctx, "loop.lua", []byte(src))
			require.Error(t, err)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			vals, err := vm.Eval(t.Context(), "'alive'")
			require.NoError(t, err)
			assert.Equal(t, []any{"alive"}, vals)
		})
	}
}

func TestSandboxRequireOfPreloaded(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t, WithSandbox())
	src := `package.preload.mine = function() return { v = "preloaded" } end
print(require("mine").v, require("string") == string)`
	require.NoError(t, vm.RunSource(t.Context(), "pre.lua", []byte(src)))
	assert.Equal(t, "preloaded\ttrue\n", out.String())
}

func TestSandboxRunOfFileIsTheHostsChoice(t *testing.T) {
	t.Parallel()
	// Run reads the file the host names; the sandbox limits what the script
	// itself can reach.
	p := writeFile(t, t.TempDir(), "s.lua", "print(type(io.open))")
	vm, _, _ := newVM(t, WithSandbox())
	err := vm.Run(t.Context(), p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), filepath.Base(p)+":1: io.open is not available in the sandbox")
}

func TestHostModulesInEveryVM(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]Option{nil, {WithSandbox()}} {
		vm, out, _ := newVM(t, opts...)
		src := `local t = require("assert")
t.equal(json.encode({ b = 1, a = { 1, 2 } }), '{"a":[1,2],"b":1}')
print(inspect({ x = 1 }), type(time.now()), env.get("NOPE", "dflt"), require("json") == json)
print(#crypto.random_hex(16), base64.encode("hi"), hex.decode("6869"), require("crypto") == crypto)`
		require.NoError(t, vm.RunSource(t.Context(), "mods.lua", []byte(src)))
		assert.Equal(t, "{ x = 1 }\tnumber\tdflt\ttrue\n32\taGk=\thi\ttrue\n", out.String())
	}
}

func TestClockOption(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	vm, _, _ := newVM(t, WithClock(func() time.Time { return at }))
	vals, err := vm.Eval(t.Context(), "time.now(), time.since('2025-01-02T02:04:05Z')")
	require.NoError(t, err)
	assert.Equal(t, []any{at.Unix(), int64(3600)}, vals)
}
