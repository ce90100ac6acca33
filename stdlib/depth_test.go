package stdlib_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// deep is an expression for a table nested n levels deep.
func deep(n int) string {
	return "(function() local t = {} local c = t for i = 2, " + itoa(n) + " do c[1] = {} c = c[1] end return t end)()"
}

func itoa(n int) string { return strings.TrimSpace(lua.LNumber(n).String()) }

func TestJSONEncodeDepthLimit(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	// As deep as json.decode accepts encodes, and fast: the cycle check
	// is a set, not a scan of the tables above.
	start := time.Now()
	out := v.eval(t, "json.encode("+deep(stdlib.MaxEncodeDepth)+")")
	want := strings.Repeat("[", stdlib.MaxEncodeDepth-1) + "{}" + strings.Repeat("]", stdlib.MaxEncodeDepth-1)
	assert.True(t, want == out.String(), "%d levels encode: got %d bytes", stdlib.MaxEncodeDepth, len(out.String()))
	assert.Less(t, time.Since(start), 5*time.Second)

	msg := v.fails(t, "json.encode("+deep(stdlib.MaxEncodeDepth+1)+")")
	assert.Equal(t, "<string>:1: json.encode: cannot encode a table nested more than 10000 levels deep", msg)
	msg = v.fails(t, "json.encode("+deep(300000)+")")
	assert.Equal(t, "<string>:1: json.encode: cannot encode a table nested more than 10000 levels deep", msg)
}

func TestJSONEncodeStopsWithContext(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString("t = {} for i = 1, 100000 do t[i] = {a = i} end"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	enc := stdlib.Encoder{Context: ctx}
	_, err := enc.Encode(L.GetGlobal("t"))
	require.ErrorIs(t, err, context.Canceled)
}

func TestInspectDepthLimit(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	start := time.Now()
	s := v.eval(t, "inspect("+deep(100000)+")").String()
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, stdlib.MaxInspectDepth, strings.Count(s, "{ ")+strings.Count(s, "{\n"), "levels shown")
	assert.Contains(t, s, "{...}")
}

func TestInspectStopsWithContext(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString("t = {} for i = 1, 100000 do t[i] = i end"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s := stdlib.Inspect(L.GetGlobal("t"), stdlib.InspectOptions{Context: ctx})
	assert.Less(t, len(s), 100000, "cut short")
	assert.True(t, strings.HasSuffix(s, "...\n}"), s[max(0, len(s)-40):])
}

func TestJSONDecodeStopsWithContext(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, stdlib.Open(L, stdlib.Config{}))
	doc := "[" + strings.Repeat("{\"a\":1},", 100000) + "1]"
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	L.SetContext(ctx)
	defer L.RemoveContext()
	_, err := stdlib.FromJSON(L, []byte(doc))
	require.ErrorIs(t, err, context.Canceled)
}
