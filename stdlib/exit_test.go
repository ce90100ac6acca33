package stdlib_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func TestOsExit(t *testing.T) {
	cases := []struct {
		code string
		want int
	}{
		{`os.exit()`, 0},
		{`os.exit(0)`, 0},
		{`os.exit(3)`, 3},
		{`os.exit(true)`, 0},
		{`os.exit(false)`, 1},
		{`print("before"); os.exit(4); print("after")`, 4},
		// os.exit ends the script even inside pcall and xpcall.
		{`local ok = pcall(os.exit, 5); error("not reached")`, 5},
		{`pcall(function() pcall(function() os.exit(6) end) end); error("not reached")`, 6},
		{`xpcall(function() os.exit(7) end, function(e) return "handled" end); error("not reached")`, 7},
		{`local co = coroutine.wrap(function() os.exit(8) end); co()`, 8},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			var hooked []int
			v := newVM(t, stdlib.Config{Exit: func(code int) { hooked = append(hooked, code) }})
			err := v.L.DoString(c.code)
			require.Error(t, err)
			e, ok := stdlib.AsExit(err)
			require.True(t, ok, "not an exit: %v", err)
			assert.Equal(t, c.want, e.Code)
			assert.Equal(t, []int{c.want}, hooked)
			e2, ok := stdlib.Exited(v.L)
			require.True(t, ok)
			assert.Equal(t, c.want, e2.Code)
			assert.NotContains(t, v.stdout.String(), "after")
		})
	}
}

func TestPcallStillCatchesOrdinaryErrors(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	require.NoError(t, v.L.DoString(`
		local ok, err = pcall(error, {code = 1})
		assert(ok == false and err.code == 1)
		local ok2, a, b = pcall(function(x, y) return x + 1, y end, 1, "z")
		assert(ok2 == true and a == 2 and b == "z")
		local ok3, msg = pcall(nil)
		assert(ok3 == false and msg == "attempt to call a nil value")
		local ok4, h = xpcall(function() error("boom") end, function(e) return "handled: " .. e end)
		assert(ok4 == false and h:find("handled: .*boom"))
		local ok5, r = xpcall(function() return 42 end, print)
		assert(ok5 == true and r == 42)
	`))
	_, exited := stdlib.Exited(v.L)
	assert.False(t, exited)
}

func TestAsExit(t *testing.T) {
	_, ok := stdlib.AsExit(nil)
	assert.False(t, ok)
	_, ok = stdlib.AsExit(errors.New("boom"))
	assert.False(t, ok)
	_, ok = stdlib.AsExit(&lua.ApiError{Object: lua.LString("boom")})
	assert.False(t, ok)
	e, ok := stdlib.AsExit(fmt.Errorf("script: %w", &stdlib.ExitError{Code: 2}))
	require.True(t, ok)
	assert.Equal(t, 2, e.Code)
	assert.Equal(t, "os.exit(2)", e.Error())

	// The raised value prints as the exit, for hosts that show it anyway.
	v := newVM(t, stdlib.Config{})
	require.NoError(t, v.L.DoString(`
		local co = coroutine.create(function() os.exit(9) end)
		local ok, err = coroutine.resume(co)
		assert(ok == false and tostring(err) == "os.exit(9)", tostring(err))
		assert(inspect(err) == "os.exit(9)")
	`))
}
