package repl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy/lazytest"
)

// lazyRecord sets the global m to a record whose config was kept aside
// (package lazy), printed through a __tostring.
func lazyRecord(L *lua.LState) {
	config := L.NewTable()
	config.RawSetString("image", lua.LString("nginx"))
	m := lazytest.Table(L,
		lazytest.Field{Key: "id", Value: lua.LString("m1")},
		lazytest.Field{Key: "config", Value: config, Aside: true},
	)
	m.Metatable.(*lua.LTable).RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("<machine m1>"))
		return 1
	}))
	L.SetGlobal("m", m)
}

// Completion offers the members of a record that were never read.
func TestCompleteLazyRecordMembers(t *testing.T) {
	c := completerState(t)
	lazyRecord(c.L)
	_, got, _ := c.Complete("m.", 2)
	assert.Equal(t, []string{"config", "id"}, got)
	lazyRecord(c.L)
	line := "m.config.im"
	_, got, _ = c.Complete(line, len(line))
	assert.Equal(t, []string{"image"}, got)
}

// A record printed by the REPL shows the members never read.
func TestLazyRecordPrintsWhole(t *testing.T) {
	e, out, _ := newEval(t)
	lazyRecord(e.L)
	e.Inspect = func(v lua.LValue) string {
		t, ok := v.(*lua.LTable)
		if !ok {
			return v.String()
		}
		return "config=" + t.RawGetString("config").Type().String()
	}
	feed(t, e, `m`)
	assert.Equal(t, "<machine m1>\nconfig=table\n", out.String())
}
