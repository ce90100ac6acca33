package flyscript

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The registry starts small and grows (lua51.Options): scripts keep the limits
// of gopher-lua's fixed-size default, in the main chunk and in coroutines.
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
	_, err := vm.Eval(t.Context(), "local function f(n) return f(n + 1) + 1 end\nreturn f(1)")
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "stack overflow")
	assert.Contains(t, se.Message, ":1:", "the overflow names the script's line")
}
