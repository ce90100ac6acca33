package stdlib_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func TestSleepReturnsPromptlyOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newVM(t, stdlib.Config{})
		ctx, cancel := context.WithCancel(context.Background())
		v.L.SetContext(ctx)
		go func() {
			time.Sleep(3 * time.Second)
			cancel()
		}()
		start := time.Now()
		err := v.L.DoString(`time.sleep(3600)`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "time.sleep: context canceled")
		assert.Equal(t, 3*time.Second, time.Since(start), "the sleep ends when the context does")
	})
}

func TestSleepHonoursDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newVM(t, stdlib.Config{})
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		v.L.SetContext(ctx)
		start := time.Now()
		err := v.L.DoString(`time.sleep("2h")`)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "time.sleep: context deadline exceeded")
		assert.Equal(t, 90*time.Second, time.Since(start))
	})
}

func TestSleepWithEndedContextDoesNotSleep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newVM(t, stdlib.Config{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		start := time.Now()
		v.L.Push(v.L.NewFunction(func(L *lua.LState) int {
			L.SetContext(ctx) // only now, so the call itself can start
			return stdlib.BlockingSleep(L, time.Hour)
		}))
		err := v.L.PCall(0, 0, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "context canceled")
		assert.Zero(t, time.Since(start))
	})
}

func TestSleepWithoutContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		v := newVM(t, stdlib.Config{})
		start := time.Now()
		require.NoError(t, v.L.DoString(`time.sleep(1.5)`))
		assert.Equal(t, 1500*time.Millisecond, time.Since(start))
	})
}

func TestSleepHook(t *testing.T) {
	var slept []time.Duration
	record := func(L *lua.LState, d time.Duration) int {
		slept = append(slept, d)
		L.Push(lua.LString("ignored"))
		return 0
	}
	v := newVM(t, stdlib.Config{Sleep: record})
	require.NoError(t, v.L.DoString(`time.sleep(2); time.sleep("150ms")`))
	assert.Equal(t, []time.Duration{2 * time.Second, 150 * time.Millisecond}, slept)

	// SetSleep replaces it after Open; nil restores the blocking sleep.
	stdlib.SetSleep(v.L, func(L *lua.LState, d time.Duration) int {
		slept = append(slept, -d)
		return 0
	})
	require.NoError(t, v.L.DoString(`time.sleep(1)`))
	assert.Equal(t, -time.Second, slept[len(slept)-1])
	stdlib.SetSleep(v.L, nil)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		require.NoError(t, v.L.DoString(`time.sleep(0.001)`))
		assert.Equal(t, time.Millisecond, time.Since(start))
	})
	assert.Len(t, slept, 3)
}

func TestNowFromConfig(t *testing.T) {
	at := time.Date(2024, 5, 1, 12, 0, 0, 500_000_000, time.UTC)
	v := newVM(t, stdlib.Config{Now: func() time.Time { return at }})
	assert.Equal(t, lua.LNumber(1714564800.5), v.eval(t, `time.now()`))
	assert.Equal(t, lua.LNumber(1714564800500), v.eval(t, `time.now_ms()`))
	assert.Equal(t, lua.LNumber(60.5), v.eval(t, `time.since("2024-05-01T11:59:00Z")`))
	assert.Equal(t, lua.LString("2024-05-01T12:00:00Z"), v.eval(t, `time.format()`))
}

func TestDuration(t *testing.T) {
	good := []struct {
		in   lua.LValue
		want time.Duration
	}{
		{lua.LNumber(0), 0},
		{lua.LNumber(30), 30 * time.Second},
		{lua.LNumber(0.25), 250 * time.Millisecond},
		{lua.LNumber(1e-9), time.Nanosecond},
		{lua.LString("90s"), 90 * time.Second},
		{lua.LString("2m"), 2 * time.Minute},
		{lua.LString("1h30m"), 90 * time.Minute},
		{lua.LString(" 45 "), 45 * time.Second},
		{lua.LString("1.5"), 1500 * time.Millisecond},
	}
	for _, c := range good {
		d, err := stdlib.Duration(nil, c.in)
		require.NoError(t, err, c.in.String())
		assert.Equal(t, c.want, d, c.in.String())
	}
	bad := []struct {
		in   lua.LValue
		want string
	}{
		{lua.LString("soon"), `invalid duration "soon" (want a number of seconds or a Go duration such as "90s" or "2m")`},
		{lua.LString("-1m"), `invalid duration "-1m": must not be negative`},
		{lua.LString("-3"), `invalid duration "-3": must not be negative`},
		{lua.LNumber(-3), `invalid duration -3: must not be negative`},
		{lua.LNumber(1e300), `invalid duration 1e+300: too long`},
		{lua.LNil, `invalid duration: expected a number of seconds or a duration string, got nil`},
		{lua.LTrue, `invalid duration: expected a number of seconds or a duration string, got boolean`},
	}
	for _, c := range bad {
		_, err := stdlib.Duration(nil, c.in)
		assert.EqualError(t, err, c.want, c.in.String())
	}
}

// TestFormatRefusesLayoutsWithoutElements: a strftime layout (what os.date
// takes) or any text with no element of Go's reference time would print
// the same string for every time; it is refused, saying what to write.
func TestFormatRefusesLayoutsWithoutElements(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	msg := v.fails(t, `time.format(0, "%Y-%m-%d")`)
	assert.Contains(t, msg, `time.format: bad argument #2 (layout "%Y-%m-%d" has no element of a time`)
	assert.Contains(t, msg, `os.date("!%Y-%m-%d", t)`)
	assert.Contains(t, v.fails(t, `time.format(0, "")`), `layout "" has no element of a time`)
	assert.Equal(t, "1970-01-01", v.eval(t, `time.format(0, "2006-01-02")`).String())
	assert.Equal(t, "Z", v.eval(t, `time.format(0, "Z07:00")`).String(), "a zone alone is an element")
	assert.Equal(t, "12:00AM", v.eval(t, `time.format(0, "kitchen")`).String())
	msg = v.fails(t, `time.parse("2026-01-01", "%Y-%m-%d")`)
	assert.Contains(t, msg, `time.parse: bad argument #2 (layout "%Y-%m-%d" has no element of a time`)
	assert.Contains(t, msg, `(strftime's %Y-%m-%d is "2006-01-02")`)
	assert.Equal(t, lua.LNumber(86400), v.eval(t, `time.parse("1970-01-02", "2006-01-02")`))
}
