package flyscript

import (
	"strings"
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

// A task of fly.parallel that overflows its stack fails with the line;
// yielding across a Go call in a coroutine is an error, as in C Lua.
func TestDepthAndYieldInTasksAndCoroutines(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	err := vm.RunSource(t.Context(), "tasks.lua", []byte(`local function g() return 1 + g() end
local function f(n) if n == 0 then return 0 end return 1 + f(n - 1) end
print(pcall(fly.parallel, {1, 2}, function(x) if x == 1 then return f(10000) end return g() end))
local co = coroutine.create(function() return pcall(function() coroutine.yield(1) end) end)
print(coroutine.resume(co))
print(coroutine.status(co))
local co2 = coroutine.create(function() table.sort({3, 1, 2}, function(a, b) coroutine.yield() return a < b end) end)
print(coroutine.resume(co2))
`))
	require.NoError(t, err)
	got := out.String()
	first, rest, _ := strings.Cut(got, "\ntrue\t")
	assert.True(t, strings.HasPrefix(first, "false\t"), got)
	assert.Contains(t, first, "tasks.lua:1: stack overflow")
	assert.Equal(t, "false\tattempt to yield across metamethod/C-call boundary\ndead\nfalse\tattempt to yield across metamethod/C-call boundary\n", rest)
}

// The .. operator is a call of the layer's concatenation, which has no
// frame in C Lua: tracebacks leave it out, so an error in a __concat
// metamethod reads as in lua5.1.
func TestConcatenationLeavesNoFrameInTracebacks(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.RunSource(t.Context(), "cat.lua", []byte(`local M = setmetatable({}, {__concat = function() error("in concat") end})
local x = "a" .. M`))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Traceback, "cat.lua:1: in function <cat.lua:1>\n\tcat.lua:2: in main chunk", se.Traceback)
}
