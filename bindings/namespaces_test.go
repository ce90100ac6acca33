package bindings

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// walkLua defines walk(t): t's keys in pairs' order with their types, and
// the same for the tables inside it.
const walkLua = `
function walk(t, seen)
  seen = seen or {}
  if seen[t] then return "<seen>" end
  seen[t] = true
  local out = {}
  for k, v in pairs(t) do
    out[#out + 1] = tostring(k) .. ":" .. (type(v) == "table" and walk(v, seen) or type(v))
  end
  return "{" .. table.concat(out, " ") .. "}"
end`

// wantTopKeys is the fly table's keys as building it at once gave them:
// each function and namespace where the registry first names it, the
// functions written in Lua last.
func wantTopKeys() []string {
	var keys, sugar []string
	seen := map[string]bool{}
	for _, fn := range Registry() {
		key := strings.Split(fn.Name, ".")[1]
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, ok := luaSugar[fn.Name]; ok && strings.Count(fn.Name, ".") == 1 {
			sugar = append(sugar, key)
			continue
		}
		keys = append(keys, key)
	}
	return append(keys, sugar...)
}

// The namespaces of fly are built on first access; a script cannot tell:
// pairs walks the same keys in the same order whatever was read first.
func TestNamespacesBuiltOnFirstAccess(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	require.NoError(t, L.DoString(walkLua))
	assert.Equal(t, lua.LNil, f.module.RawGetString("machines"), "not built before it is read")
	assert.Equal(t, lua.LNil, f.module.RawGetString("volumes"))
	require.NoError(t, L.DoString(`local _ = fly.machines.list`))
	assert.IsType(t, &lua.LTable{}, f.module.RawGetString("machines"), "built when read")
	assert.Equal(t, lua.LNil, f.module.RawGetString("volumes"), "the others are still not built")

	walked := evalString(t, L, `walk(fly)`)
	var keys []string
	require.NoError(t, L.DoString(`__keys = {} for k in pairs(fly) do __keys[#__keys + 1] = k end __keys = table.concat(__keys, " ")`))
	keys = strings.Fields(L.GetGlobal("__keys").String())
	assert.Equal(t, wantTopKeys(), keys)

	for _, first := range []string{
		`local _ = fly.volumes`,
		`local _ = rawget(fly, "secrets")`,
		`local _ = fly.leases.with`,
		`for k in pairs(fly) do end`,
		`local _ = next(fly)`,
		`local _ = fly.app("x").machines`,
	} {
		L2, _ := newVM(t, "http://unused.invalid", "a")
		require.NoError(t, L2.DoString(walkLua))
		require.NoError(t, L2.DoString(first), first)
		assert.Equal(t, walked, evalString(t, L2, `walk(fly)`), "after %s", first)
	}
	assert.Contains(t, walked, "machines:{")
	assert.Contains(t, walked, "leases:{")
	assert.Contains(t, walked, "with:function")
}

// fly.parallel, written in Lua, is bound on first access too (its module is
// compiled then), also when that access is in a coroutine, and keeps its
// place: last.
func TestLuaFunctionsBoundOnFirstAccess(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	assert.Equal(t, lua.LNil, f.module.RawGetString("parallel"), "not bound before it is read")
	assert.NotContains(t, f.luaMods, "fly/tasks.lua", "its module not loaded")
	assert.Equal(t, "function 2", evalString(t, L,
		`(function() local co = coroutine.wrap(function() return type(fly.parallel) end) local n = 0
		  local r = fly.parallel({1, 2}, function(x) return x end) return co() .. " " .. #r end)()`))
	assert.IsType(t, &lua.LFunction{}, f.module.RawGetString("parallel"), "bound when read")
	keys := evalString(t, L, `(function() local out = {} for k in pairs(fly) do out[#out + 1] = k end return table.concat(out, " ") end)()`)
	assert.Equal(t, strings.Join(wantTopKeys(), " "), keys)
}

// An app handle's namespaces are built on first access too, and its name
// comes last.
func TestHandleNamespacesBuiltOnFirstAccess(t *testing.T) {
	L, _ := newVM(t, "http://unused.invalid", "a")
	require.NoError(t, L.DoString(walkLua))
	whole := evalString(t, L, `walk(fly.app("x"))`)
	assert.True(t, strings.HasSuffix(whole, " name:string}"), whole)
	assert.Contains(t, whole, "machines:{")
	L2, _ := newVM(t, "http://unused.invalid", "a")
	require.NoError(t, L2.DoString(walkLua))
	require.NoError(t, L2.DoString(`local _ = fly.app("x").volumes.list`))
	assert.Equal(t, whole, evalString(t, L2, `walk(fly.app("x"))`))
	assert.Equal(t, "x", evalString(t, L2, `fly.app("x").name`))
}

// A namespace replaced before it is read stays replaced; one cleared is
// gone.
func TestNamespaceSetBeforeRead(t *testing.T) {
	L, _ := newVM(t, "http://unused.invalid", "a")
	assert.Equal(t, "7", evalString(t, L, `(function() fly.volumes = 7 return fly.volumes end)()`))
	assert.Equal(t, "nil", evalString(t, L, `(function() fly.secrets = nil local n = 0 for k in pairs(fly) do if k == "secrets" then n = n + 1 end end return fly.secrets end)()`))
	assert.Equal(t, "nil", evalString(t, L, `(function() rawset(fly, "tokens", nil) return fly.tokens end)()`))
}

// Module gives Go the fly table with every namespace built.
func TestModuleIsWhole(t *testing.T) {
	_, f := newVM(t, "http://unused.invalid", "a")
	m := f.Module()
	for _, key := range wantTopKeys() {
		assert.NotEqual(t, lua.LNil, m.RawGetString(key), key)
	}
}
