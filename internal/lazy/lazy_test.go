package lazy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lazy/lazytest"
)

// newState is a state with the base and debug libraries, wrapped.
func newState(t *testing.T) *lua.LState {
	L := lua.NewState()
	t.Cleanup(L.Close)
	lazy.Wrap(L)
	return L
}

// record sets the global r: a = 1, b kept aside (a table {x = 2}), c = 3.
func record(L *lua.LState) {
	b := L.NewTable()
	b.RawSetString("x", lua.LNumber(2))
	L.SetGlobal("r", lazytest.Table(L,
		lazytest.Field{Key: "a", Value: lua.LNumber(1)},
		lazytest.Field{Key: "b", Value: b, Aside: true},
		lazytest.Field{Key: "c", Value: lua.LNumber(3)},
	))
}

func eval(t *testing.T, L *lua.LState, src string) string {
	t.Helper()
	require.NoError(t, L.DoString("__out = "+src))
	return L.GetGlobal("__out").String()
}

const walk = `(function(t) local s = "" for k, v in pairs(t) do s = s .. k .. "=" .. type(v) .. " " end return s end)`

// Wrap called again wraps only what was replaced since: a library that
// brings its own setmetatable after the first Wrap is wrapped (in place, so
// it stays the same value), and the functions wrapped already are not
// wrapped twice.
func TestWrapAgainWrapsWhatWasReplaced(t *testing.T) {
	L := newState(t)
	next, pairs := L.GetGlobal("next"), L.GetGlobal("pairs")
	L.SetGlobal("setmetatable", L.NewFunction(func(L *lua.LState) int {
		L.SetMetatable(L.CheckTable(1), L.Get(2))
		L.SetTop(1)
		return 1
	}))
	setmeta := L.GetGlobal("setmetatable")
	lazy.Wrap(L)
	assert.Same(t, setmeta, L.GetGlobal("setmetatable"), "a Go function is wrapped in place")
	assert.Same(t, next, L.GetGlobal("next"))
	assert.Same(t, pairs, L.GetGlobal("pairs"))
	record(L)
	assert.Equal(t, "a=number b=table c=number ", eval(t, L, `(function() setmetatable(r, nil) return `+walk+`(r) end)()`))
}

// The raw functions see a lazy table whole, in its keys' order.
func TestWrappedFunctionsSeeLazyTablesWhole(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"pairs", walk + `(r)`, "a=number b=table c=number "},
		{"next", `(function() local k, s = next(r), "" while k do s = s .. k; k = next(r, k) end return s end)()`, "abc"},
		{"rawget", `rawget(r, "b").x`, "2"},
		{"index", `r.b.x`, "2"},
		{"missing", `tostring(r.zzz)`, "nil"},
		{"rawset first", `(function() rawset(r, "b", nil) return ` + walk + `(r) end)()`, "a=number c=number "},
		{"assign first", `(function() r.b = "s" return ` + walk + `(r) end)()`, "a=number b=string c=number "},
		{"setmetatable", `(function() setmetatable(r, nil) return ` + walk + `(r) end)()`, "a=number b=table c=number "},
		{"debug.setmetatable", `(function() debug.setmetatable(r, nil) return ` + walk + `(r) end)()`, "a=number b=table c=number "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			L := newState(t)
			record(L)
			assert.Equal(t, tc.want, eval(t, L, tc.src))
		})
	}
}

// Wrapping keeps the functions' own errors.
func TestWrappedFunctionsKeepTheirErrors(t *testing.T) {
	for _, src := range []string{`next(nil)`, `pairs(nil)`, `rawget(1, 2)`, `rawset({}, nil, 1)`, `setmetatable(nil, {})`,
		`local t = setmetatable({}, {__metatable = false}) setmetatable(t, {})`} {
		plain := lua.NewState()
		want := plain.DoString(src)
		plain.Close()
		L := newState(t)
		got := L.DoString(src)
		require.Error(t, want, src)
		require.Error(t, got, src)
		assert.Equal(t, want.Error(), got.Error(), src)
	}
}

// A function that is Lua code, not Go, is wrapped too; one that is missing
// (a sandbox removed it) is left out.
func TestWrapLuaFunctionsAndMissingOnes(t *testing.T) {
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, L.DoString(`local raw = next
		next = function(t, k) return raw(t, k) end
		rawset = nil`))
	lazy.Wrap(L)
	record(L)
	assert.Equal(t, "a", eval(t, L, `next(r)`))
	assert.Equal(t, "b", eval(t, L, `next(r, "a")`))
	assert.Equal(t, "nil", eval(t, L, `tostring(rawset)`))
}

// Force and FillKey do nothing to tables that are not lazy.
func TestForceOnPlainTables(t *testing.T) {
	L := newState(t)
	plain := L.NewTable()
	plain.RawSetString("a", lua.LNumber(1))
	plain.Metatable = L.NewTable()
	require.NoError(t, lazy.Force(plain))
	require.NoError(t, lazy.FillKey(plain, "a"))
	lazy.Forget(plain, "a")
	assert.Equal(t, lua.LNumber(1), plain.RawGetString("a"))
}
