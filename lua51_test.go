package flyscript

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A chunk that fails must not leave closures pointing into the stack: the
// next chunk on the same VM cannot read or write its locals through them.
func TestSecondRunSourceCannotReadTheFirstsLocals(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	err := vm.RunSource(t.Context(), "first.lua", []byte(`
local function work()
  local secret = "first chunk's local"
  grab = function() return secret end
  poke = function(v) secret = v end
  error("boom")
end
work()`))
	require.Error(t, err)
	require.NoError(t, vm.RunSource(t.Context(), "second.lua", []byte(`
local a, b, c, d, e = "second1", "second2", "second3", "second4", "second5"
poke("written")
print(grab(), a, b, c, d, e)`)))
	assert.Equal(t, "written\tsecond1\tsecond2\tsecond3\tsecond4\tsecond5\n", out.String())
}

// The issue's examples, run as a script: each printed something else on
// gopher-lua alone.
func TestIssueExamplesPrintWhatLua51Prints(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	require.NoError(t, vm.RunSource(t.Context(), "issue.lua", []byte(`
local a, b = 1, 2; a, b = b, a; print(a, b)
local t = { "a", "b", n = tostring(5) }; print(#t)
local n = 0
local function inc() n = n + 1 end
local function outer(fn) inc(); pcall(fn); inc() end
outer(function() pcall(function() error("x") end) end)
outer(function() pcall(function() error("x") end) end)
print(n)`)))
	assert.Equal(t, "2\t1\n2\n4\n", out.String())
}
