package lua51

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// TestSortStopsAtTheDeadline: a sort with the default comparison runs no
// Lua instruction between comparisons, so it looks at the context itself.
func TestSortStopsAtTheDeadline(t *testing.T) {
	L, _ := newState(t)
	t1 := L.NewTable()
	for i := 1; i <= 3_000_000; i++ {
		t1.RawSetInt(i, lua.LNumber((i*7919)%3_000_017))
	}
	L.SetGlobal("t", t1)
	fn, err := Load(L, []byte("table.sort(t)"), "test")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	L.SetContext(ctx)
	start := time.Now()
	_, err = Call(L, fn, 0, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), context.DeadlineExceeded.Error())
	assert.Less(t, time.Since(start), 500*time.Millisecond) // the whole sort takes seconds
}
