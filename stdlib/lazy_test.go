package stdlib_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy/lazytest"
	"github.com/flyscript/flyscript/stdlib"
)

// lazyRecord sets the global rec to a table like a decoded record whose
// config was kept aside (package lazy): id, config (aside), state.
func lazyRecord(L *lua.LState, asideKey string) {
	config := L.NewTable()
	config.RawSetString("image", lua.LString("nginx"))
	L.SetGlobal("rec", lazytest.Table(L,
		lazytest.Field{Key: "id", Value: lua.LString("m1")},
		lazytest.Field{Key: asideKey, Value: config, Aside: true},
		lazytest.Field{Key: "state", Value: lua.LString("started")},
	))
}

// The host modules walk a table with members kept aside as a whole one:
// json.encode, inspect and log fields show the member never read, and an
// options table checks it.
func TestLazyTablesAreSeenWhole(t *testing.T) {
	cases := []struct {
		name, expr, want string
	}{
		{"json.encode", `json.encode(rec)`, `{"config":{"image":"nginx"},"id":"m1","state":"started"}`},
		{"inspect", `inspect(rec, {width = 200})`, `{ config = { image = "nginx" }, id = "m1", state = "started" }`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newVM(t, stdlib.Config{})
			lazyRecord(v.L, "config")
			assert.Equal(t, tc.want, v.eval(t, tc.expr).String())
		})
	}
	t.Run("log fields", func(t *testing.T) {
		v := newVM(t, stdlib.Config{Now: logClock})
		lazyRecord(v.L, "config")
		require.NoError(t, v.L.DoString(`log.info("x", rec)`))
		assert.Contains(t, v.stderr.String(), `config={"image":"nginx"} id=m1`)
	})
	t.Run("options", func(t *testing.T) {
		v := newVM(t, stdlib.Config{})
		v.L.SetGlobal("rec", lazytest.Table(v.L, lazytest.Field{Key: "indnt", Value: lua.LString("  "), Aside: true}))
		err := v.L.DoString(`json.encode({}, rec)`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "indnt")
	})
}
