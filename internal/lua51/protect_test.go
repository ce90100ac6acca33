package lua51

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

func TestLayoutMatchesGopherLua(t *testing.T) {
	require.NoError(t, Check())
}

// The cases of the issue, with what C Lua 5.1 prints. Each one printed
// something else under gopher-lua's own pcall and xpcall.
func TestProtectedCallsCloseExactlyTheUnwoundUpvalues(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"enclosing locals stay shared after a caught error", `
local n = 0
local function inc() n = n + 1 end
local function outer(fn) inc(); pcall(fn); inc() end
outer(function() pcall(function() error("x") end) end)
outer(function() pcall(function() error("x") end) end)
print(n)`, "4\n"},
		{"a retry helper counts every attempt", `
local function retry(n, fn)
  local attempts = 0
  local function note() attempts = attempts + 1 end
  for i = 1, n do
    note()
    local ok = pcall(fn)
    if ok then break end
  end
  return attempts
end
print(retry(3, function() error("fail") end))`, "3\n"},
		{"a closure of an unwound frame keeps its value under xpcall", `
local saved
xpcall(function()
  local x = "inner"
  saved = function() return x end
  error("boom")
end, function(e) return e end)
local a, b, c, d = "r1", "r2", "r3", "r4"
print(saved())`, "inner\n"},
		{"a closure of an unwound frame writes to its own variable", `
local set, get
xpcall(function()
  local y = 0
  set = function(v) y = v end
  get = function() return y end
  error("boom")
end, function(e) return e end)
local p, q, r, s = "keep1", "keep2", "keep3", "keep4"
set("mine")
print(p, q, r, s, get())`, "keep1\tkeep2\tkeep3\tkeep4\tmine\n"},
		{"a dead coroutine closes its own frames only", `
local n = 0
local function inc() n = n + 1 end
local inner
local co = coroutine.create(function()
  local z = "co-local"
  inner = function() inc() return z end
  pcall(error, "caught")
  inc()
  error("die")
end)
print(coroutine.resume(co))
print(inner(), n)
n = 10
print(inner(), n)`, "false\ttest:10: die\nco-local\t2\nco-local\t11\n"},
		{"nested pcalls, the outer one failing after the inner returned", `
local n = 0
local function inc() n = n + 1 end
local function f()
  pcall(error, "inner")
  inc()
  error("outer")
end
pcall(f)
inc()
print(n)`, "2\n"},
		{"error in error handling", `
print(xpcall(function() error("a") end, function(e) error("b") end))
print(xpcall(function() return 1, 2 end, print))
print(pcall(nil))
local ok, e = pcall(error, setmetatable({}, {__tostring = function() return "obj" end}))
print(ok, tostring(e))`, "false\terror in error handling\ntrue\t1\t2\nfalse\tattempt to call a nil value\nfalse\tobj\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, run(t, c.src))
		})
	}
}

// The host's own protected call (a handler set, as the VM's call has) closes
// what it unwinds: a second chunk on the same state cannot see the locals
// of the first through a closure the first one leaked.
func TestHostCallsDoNotLeakLocalsIntoTheNextChunk(t *testing.T) {
	t.Parallel()
	L, out := newState(t)
	handler := L.NewFunction(func(L *lua.LState) int { return 1 })
	first, err := Load(L, []byte(`
local function work()
  local secret = "first chunk's local"
  grab = function() return secret end
  error("boom")
end
work()`), "first")
	require.NoError(t, err)
	_, err = Call(L, first, 0, handler)
	require.Error(t, err)
	second, err := Load(L, []byte(`local a, b, c, d, e = "second1", "second2", "second3", "second4", "second5"
print(grab())`), "second")
	require.NoError(t, err)
	_, err = Call(L, second, 0, handler)
	require.NoError(t, err)
	assert.Equal(t, "first chunk's local\n", out.String())
}

// A Go panic inside a Go function is an error that pcall catches, and the
// state keeps working.
func TestGoPanicIsAnError(t *testing.T) {
	t.Parallel()
	L, out := newState(t)
	L.SetGlobal("explode", L.NewFunction(func(*lua.LState) int { panic("go panic") }))
	fn, err := Load(L, []byte(`print(pcall(explode)) print(pcall(function() local t = nil; explode() end)) print("after")`), "test")
	require.NoError(t, err)
	_, err = Call(L, fn, 0, nil)
	require.NoError(t, err)
	assert.Equal(t, "false\tgo panic\nfalse\tgo panic\nafter\n", out.String())
	_, err = Call(L, L.GetGlobal("explode"), 0, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go panic")
}

// os.exit's error value passes through pcall and xpcall.
type exitValue struct{}

func (exitValue) Uncatchable() {}

func TestUncatchableErrorsPassThrough(t *testing.T) {
	t.Parallel()
	L, out := newState(t)
	L.SetGlobal("leave", L.NewFunction(func(L *lua.LState) int {
		L.Error(&lua.LUserData{Value: exitValue{}}, 0)
		return 0
	}))
	for _, src := range []string{
		`pcall(leave) print("not reached")`,
		`xpcall(leave, function() print("handler") return 1 end) print("not reached")`,
		`pcall(pcall, leave) print("not reached")`,
	} {
		fn, err := Load(L, []byte(src), "test")
		require.NoError(t, err)
		_, err = Call(L, fn, 0, nil)
		require.Error(t, err, src)
		assert.True(t, isUncatchable(ErrorValue(err)), src)
	}
	assert.Empty(t, out.String())
}
