package luapattern_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// TestErrors: C Lua 5.1's words, raised when the match reaches the
// malformed part (so "x%" on a subject without "x" is no error).
func TestErrors(t *testing.T) {
	cases := map[string]string{
		"%":      "malformed pattern (ends with '%')",
		"[a":     "malformed pattern (missing ']')",
		"[^]":    "malformed pattern (missing ']')",
		"(a":     "unfinished capture",
		"a)":     "invalid pattern capture",
		"%1":     "invalid capture index",
		"(a%1)":  "invalid capture index",
		"%fa":    "missing '[' after '%f' in pattern",
		"%b":     "unbalanced pattern",
		"%ba":    "unbalanced pattern",
		"a?b?c(": "unfinished capture",
	}
	for pattern, want := range cases {
		_, _, err := luapattern.Find(context.Background(), pattern, "abc", 0)
		var got *luapattern.Error
		if assert.ErrorAs(t, err, &got, pattern) {
			assert.Equal(t, want, got.Message, pattern)
			assert.Equal(t, want, err.Error(), pattern)
		}
	}
	_, ok, err := luapattern.Find(context.Background(), "x%", "abc", 0)
	assert.NoError(t, err)
	assert.False(t, ok)

	many := strings.Repeat("(a)", 33)
	_, _, err = luapattern.Find(context.Background(), many, strings.Repeat("a", 40), 0)
	assert.EqualError(t, err, "too many captures")
}

// TestTooComplex: a match nested deeper than the limit is an error, not a
// goroutine stack overflow.
func TestTooComplex(t *testing.T) {
	pattern := strings.Repeat("a?", 250000)
	_, _, err := luapattern.Find(context.Background(), pattern, strings.Repeat("a", 250000), 0)
	assert.EqualError(t, err, "pattern too complex")
}

func TestFindAndFindAll(t *testing.T) {
	ctx := context.Background()
	const pattern = "(%w+)=()(%w*)"
	m, ok, err := luapattern.Find(ctx, pattern, "a=1, bc=", 1)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, luapattern.Match{Start: 5, End: 8, Captures: []luapattern.Capture{
		{Start: 5, End: 7},
		{Start: 8, End: 8, Position: true},
		{Start: 8, End: 8},
	}}, m)

	all, err := luapattern.FindAll(ctx, pattern, "a=1, bc=", 0, -1)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, 0, all[0].Start)
	assert.Equal(t, luapattern.Capture{Start: 2, End: 2, Position: true}, all[0].Captures[1])

	_, ok, err = luapattern.Find(ctx, pattern, "no pairs", 0)
	require.NoError(t, err)
	assert.False(t, ok)

	// The frontier, and an anchored pattern tried at init only.
	all, err = luapattern.FindAll(ctx, "%f[%a]%a+", "THE (quick) fox", 0, -1)
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, [2]int{5, 10}, [2]int{all[1].Start, all[1].End})
	all, err = luapattern.FindAll(ctx, "^a", "aaa", 1, -1)
	require.NoError(t, err)
	assert.Len(t, all, 1)

	_, err = luapattern.FindAll(ctx, "(a", "xa", 0, -1)
	assert.EqualError(t, err, "unfinished capture")
}

// TestLongSubjects: greedy items loop rather than recurse, so long
// subjects match.
func TestLongSubjects(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{})
	L.SetGlobal("s", lua.LString(strings.Repeat("a", 1_100_000)))
	require.NoError(t, L.DoString(`
		assert(#s:match(".*") == #s)
		assert(#s:match("^(a+)$") == #s)
		local _, n = s:gsub("a", "b")
		assert(n == #s, n)
	`))
}

func ExampleInstall() {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	if err := L.DoString(`print(("key = value"):match("^(%w+)%s*=%s*(%w+)$"))`); err != nil {
		fmt.Println(err)
	}
	// Output: key	value
}

func ExampleFindAll() {
	matches, err := luapattern.FindAll(context.Background(), "(%a+)()", "one two", 0, -1)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range matches {
		word, end := m.Captures[0], m.Captures[1]
		fmt.Println("one two"[word.Start:word.End], end.Start+1)
	}
	// Output:
	// one 4
	// two 8
}
