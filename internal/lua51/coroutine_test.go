package lua51

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// coroutine.yield is compiled once per process: two states share its
// prototype (each state compiling its own cost more than the rest of the
// coroutine library), and it still yields.
func TestYieldCompiledOnce(t *testing.T) {
	yield := func(L *lua.LState) *lua.LFunction {
		fn, ok := L.GetField(L.GetGlobal("coroutine"), "yield").(*lua.LFunction)
		require.True(t, ok)
		require.NotNil(t, fn.Proto, "coroutine.yield is a Lua function")
		return fn
	}
	L1, _ := newState(t)
	L2, _ := newState(t)
	assert.Same(t, yield(L1).Proto, yield(L2).Proto)
	assert.Equal(t, "1\t2\n", run(t, `local co = coroutine.wrap(function(a) local b = coroutine.yield(a) print(a, b) end) co(1) co(2)`))
}
