package lua_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	glua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"

	"github.com/flyscript/flyscript/lua"
)

func TestFilesAndNames(t *testing.T) {
	assert.Contains(t, lua.Files(), "assert.lua")
	for _, f := range lua.Files() {
		assert.NotContains(t, f, "_test", "only .lua files are listed")
	}
	assert.Equal(t, "lua/fly/leases.lua", lua.ChunkName("fly/leases.lua"))
	assert.Equal(t, "fly.leases", lua.ModuleName("fly/leases.lua"))
	assert.Equal(t, "assert", lua.ModuleName("assert.lua"))
}

func TestEveryFileCompiles(t *testing.T) {
	for _, f := range lua.Files() {
		p, err := lua.Compile(f)
		require.NoError(t, err, f)
		assert.Equal(t, lua.ChunkName(f), p.SourceName)
		again, err := lua.Compile(f)
		require.NoError(t, err)
		assert.Same(t, p, again, "compiled once, then shared")
	}
	_, err := lua.Compile("missing.lua")
	assert.Error(t, err)
}

func TestPreload(t *testing.T) {
	L := glua.NewState()
	defer L.Close()
	L.PreloadModule("assert", func(L *glua.LState) int { L.Push(glua.LString("host's own")); return 1 })
	lua.Preload(L)
	require.NoError(t, L.DoString(`assert(require("assert") == "host's own")`), "existing entries are kept")

	L2 := glua.NewState()
	defer L2.Close()
	L2.SetGlobal("error", L2.NewFunction(luadiag.Error)) // the VM's error (internal/lua51), with the Lua 5.1 levels the embedded modules count on
	lua.Preload(L2)
	// Found without the file system: no package.path entry leads to lua/.
	require.NoError(t, L2.DoString(`package.path = ""
		local t = require("assert")
		assert(type(t.equal) == "function")
		assert(require("assert") == t, "loaded once")`))

	// Errors point at the embedded file by its repository path.
	err := L2.DoString(`require("assert").equal(1, 2)`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "<string>:1: assert.equal: expected 2, got 1")
	assert.Contains(t, err.Error(), "lua/assert.lua:", "the traceback names the embedded file")
}

func TestLoad(t *testing.T) {
	L := glua.NewState()
	defer L.Close()
	fn, err := lua.Load(L, "assert.lua")
	require.NoError(t, err)
	L.Push(fn)
	require.NoError(t, L.PCall(0, 1, nil))
	assert.Equal(t, glua.LTTable, L.Get(-1).Type())
}
