package flyscript

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The registry starts small and grows (lua51.Options): scripts get more than
// gopher-lua's fixed-size default, in the main chunk and in coroutines, and
// recursion reaches 10,000 calls (gopher-lua's default: 253).
func TestStateGrowsToTheUsualLimits(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	for _, src := range []string{
		`local t = {} for i = 1, 4000 do t[i] = i end return select('#', unpack(t))`,
		`return coroutine.wrap(function()
			local t = {} for i = 1, 4000 do t[i] = i end
			return select('#', unpack(t))
		end)()`,
	} {
		vals, err := vm.Eval(t.Context(), src)
		require.NoError(t, err, src)
		assert.Equal(t, []any{int64(4000)}, vals)
	}
	deep := "local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end\n"
	for _, src := range []string{
		deep + "return f(10000)",
		deep + "return coroutine.wrap(function() return f(10000) end)()",
		deep + "return select(2, pcall(f, 10000))",
	} {
		vals, err := vm.Eval(t.Context(), src)
		require.NoError(t, err, src)
		assert.Equal(t, []any{int64(10000)}, vals, src)
	}
	_, err := vm.Eval(t.Context(), "local function f(n) return f(n + 1) + 1 end\nreturn f(1)")
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "stack overflow")
	assert.Contains(t, se.Message, ":1:", "the overflow names the script's line")
}
