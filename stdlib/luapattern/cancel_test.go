package luapattern_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// promptly is how long a 20 ms deadline may take to stop a match, with
// room for -race and a loaded machine. Unstopped, every case below runs
// for minutes to hours.
const promptly = 500 * time.Millisecond

// runaway are matches that backtrack (or rescan) far longer than any
// test can wait: exponential captures, quadratic lazy scans, %b over an
// unbalanced subject, back-references.
var runaway = []struct {
	name, subject, pattern string
}{
	{"lazy captures", strings.Repeat("a", 5000), "(.-)(.-)(.-)(.-)b"},
	{"greedy classes", strings.Repeat("a", 5000), "a*a*a*a*a*b"},
	{"lazy scan", strings.Repeat("a", 1_000_000), ".-b"},
	{"balance", strings.Repeat("(", 1_000_000), "%b()"},
	{"back-reference", strings.Repeat("a", 20000), "(a*)%1%1b"},
}

func TestDeadlineStopsFindAll(t *testing.T) {
	t.Parallel()
	for _, c := range runaway {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			start := time.Now()
			ms, err := luapattern.FindAll(ctx, c.pattern, c.subject, 0, -1)
			assert.Less(t, time.Since(start), promptly)
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			assert.Nil(t, ms)
		})
	}
}

func TestCancelledContextStopsFind(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, ok, err := luapattern.Find(ctx, "(.-)(.-)(.-)(.-)b", strings.Repeat("a", 5000), 0)
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, ok)
}

// TestDeadlineStopsLuaFunctions: every installed function ends with the
// state's context error, which pcall cannot swallow for good (the VM
// raises it again at the next instruction), and the state goes on working
// under a fresh context.
func TestDeadlineStopsLuaFunctions(t *testing.T) {
	t.Parallel()
	scripts := map[string]string{
		"find":   `string.find(s, "(.-)(.-)(.-)(.-)b")`,
		"match":  `s:match("(.-)(.-)(.-)(.-)b")`,
		"gmatch": `for a in s:gmatch("(.-)(.-)(.-)(.-)b") do end`,
		"gsub":   `s:gsub("(a-)(a-)(a-)(a-)b", "x")`,
		"pcall":  `pcall(string.find, s, "(.-)(.-)(.-)(.-)b") while true do end`,
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			L := lua.NewState()
			defer L.Close()
			luapattern.Install(L, luapattern.Conversions{})
			L.SetGlobal("s", lua.LString(strings.Repeat("a", 5000)))
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			L.SetContext(ctx)
			start := time.Now()
			err := L.DoString(script)
			assert.Less(t, time.Since(start), promptly)
			require.Error(t, err)
			assert.Contains(t, err.Error(), context.DeadlineExceeded.Error())

			L.SetContext(t.Context())
			require.NoError(t, L.DoString(`assert(("aab"):find("(.-)b") == 1)`))
		})
	}
}

// TestNoContext: a state without a context matches as usual.
func TestNoContext(t *testing.T) {
	t.Parallel()
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{})
	require.NoError(t, L.DoString(`
		local s = string.rep("ab", 10000)
		local n = select(2, s:gsub("(a)(b)", "%2%1"))
		assert(n == 10000, n)
	`))
}
