package stdlib_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func TestInspect(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	rec := v.eval(t, `setmetatable({id = "m1", state = "started"}, {__tostring = function(r) return "<machine " .. r.id .. ">" end})`)
	big := v.eval(t, `(function()
		local t = {}
		for i = 1, 30 do t[i] = {id = "machine-" .. i, n = i} end
		return {items = t, count = 30}
	end)()`)
	cases := []struct {
		name string
		v    lua.LValue
		opts stdlib.InspectOptions
		want string
	}{
		{"string", lua.LString("x\ty"), stdlib.InspectOptions{}, `"x\ty"`},
		{"record fields", rec, stdlib.InspectOptions{}, `{ id = "m1", state = "started" }`},
		{"record without L", rec, stdlib.InspectOptions{Tostring: true}, `{ id = "m1", state = "started" }`},
		{"record tostring", rec, stdlib.InspectOptions{Tostring: true, L: v.L}, `<machine m1>`},
		{"depth", big, stdlib.InspectOptions{Depth: 1}, `{ count = 30, items = {...} }`},
		{"narrow", v.eval(t, `{a = 1, b = 2}`), stdlib.InspectOptions{Width: 10, Indent: "\t"}, "{\n\ta = 1,\n\tb = 2\n}"},
		{"null", stdlib.Null(v.L), stdlib.InspectOptions{}, `json.null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, stdlib.Inspect(c.v, c.opts))
		})
	}

	out := stdlib.Inspect(big, stdlib.InspectOptions{})
	lines := strings.Split(out, "\n")
	assert.Equal(t, "{", lines[0])
	assert.Equal(t, "  count = 30,", lines[1])
	assert.Equal(t, "  items = {", lines[2])
	assert.Equal(t, `    { id = "machine-1", n = 1 },`, lines[3])
	assert.Equal(t, "}", lines[len(lines)-1])
	for _, l := range lines {
		assert.LessOrEqual(t, len(l), 80, l)
		assert.NotContains(t, l, "0x")
	}
}

func TestIsIdentifier(t *testing.T) {
	for _, ok := range []string{"a", "_", "memory_mb", "A1", "_G"} {
		assert.True(t, stdlib.IsIdentifier(ok), ok)
	}
	for _, bad := range []string{"", "1a", "a-b", "a b", "end", "goto", "nil", "é"} {
		assert.False(t, stdlib.IsIdentifier(bad), bad)
	}
}

// TestInspectMaxEntries: a long table shows its first entries and counts
// the others, flat and one entry per line alike (the REPL prints so).
func TestInspectMaxEntries(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	list := L.NewTable()
	for i := 1; i <= 1000; i++ {
		list.Append(lua.LNumber(i))
	}
	assert.Equal(t, "{ 1, 2, 3, ... (997 more) }", stdlib.Inspect(list, stdlib.InspectOptions{MaxEntries: 3}))
	got := stdlib.Inspect(list, stdlib.InspectOptions{MaxEntries: 3, Width: 10, MoreNote: "inspect(_) shows all"})
	assert.Equal(t, "{\n  1,\n  2,\n  3,\n  ... (997 more; inspect(_) shows all)\n}", got)
	short := L.NewTable()
	short.RawSetString("a", lua.LNumber(1))
	short.RawSetString("b", lua.LNumber(2))
	assert.Equal(t, "{ a = 1, b = 2 }", stdlib.Inspect(short, stdlib.InspectOptions{MaxEntries: 2}), "no mark when nothing is left out")
	assert.Len(t, strings.Split(stdlib.Inspect(list, stdlib.InspectOptions{}), ","), 1000, "no limit by default")
}

// TestInspectFuncName: the host names its functions; the others keep
// their source line.
func TestInspectFuncName(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	require(L.DoString(`named = function() end; other = function() end`))
	named := L.GetGlobal("named").(*lua.LFunction)
	opts := stdlib.InspectOptions{FuncName: func(fn *lua.LFunction) (string, bool) { return "fly.machines.list", fn == named }}
	list := L.NewTable()
	list.Append(named)
	list.Append(L.GetGlobal("other"))
	assert.Equal(t, "{ <function fly.machines.list>, <function <string>:1> }", stdlib.Inspect(list, opts))
}
