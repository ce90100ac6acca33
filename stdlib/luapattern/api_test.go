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

func TestCompileErrors(t *testing.T) {
	cases := map[string]luapattern.Error{
		"[a":     {Pos: 1, Message: "unexpected EOS"},
		"[":      {Pos: 0, Message: "unexpected EOS"},
		"x[%":    {Pos: luapattern.PosEOS, Message: "unexpected EOS"},
		"ab)":    {Pos: 1, Message: "invalid ')'"},
		")":      {Pos: 0, Message: "invalid ')'"},
		"(a":     {Pos: luapattern.PosEOS, Message: "unfinished capture"},
		"ab%0":   {Pos: 2, Message: "invalid capture index"},
		"((a)":   {Pos: luapattern.PosEOS, Message: "unfinished capture"},
		"[^]":    {Pos: 2, Message: "unexpected EOS"},
		"a(b)c)": {Pos: 4, Message: "invalid ')'"},
	}
	for pattern, want := range cases {
		p, err := luapattern.Compile(pattern)
		assert.Nil(t, p, pattern)
		var got *luapattern.Error
		if assert.ErrorAs(t, err, &got, pattern) {
			assert.Equal(t, want, *got, pattern)
		}
	}
	assert.Equal(t, "unexpected EOS at 1", (&luapattern.Error{Pos: 1, Message: "unexpected EOS"}).Error())
	assert.Equal(t, "unfinished capture at EOS", (&luapattern.Error{Pos: luapattern.PosEOS, Message: "unfinished capture"}).Error())
	assert.Equal(t, "invalid capture index", (&luapattern.Error{Pos: luapattern.PosNone, Message: "invalid capture index"}).Error())
}

func TestFindAndFindAll(t *testing.T) {
	ctx := context.Background()
	p, err := luapattern.Compile("(%w+)=()(%w*)")
	require.NoError(t, err)
	assert.Equal(t, 3, p.NumCaptures())

	m, ok, err := p.Find(ctx, "a=1, bc=", 1)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, luapattern.Match{Start: 5, End: 8, Captures: []luapattern.Capture{
		{Start: 5, End: 7},
		{Start: 8, End: 8, Position: true},
		{Start: 8, End: 8},
	}}, m)

	all, err := p.FindAll(ctx, "a=1, bc=", 0, -1)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, 0, all[0].Start)
	assert.Equal(t, luapattern.Capture{Start: 2, End: 2, Position: true}, all[0].Captures[1])

	_, ok, err = p.Find(ctx, "no pairs", 0)
	require.NoError(t, err)
	assert.False(t, ok)

	// A back-reference to a capture that is still open: gopher-lua's
	// matcher fails with a Go slice error there; this is the Lua error.
	bad, err := luapattern.Compile("((a)%1)")
	require.NoError(t, err)
	_, err = bad.FindAll(ctx, "xaa", 0, -1)
	assert.EqualError(t, err, "invalid capture index")
}

// TestLongSubjects: gopher-lua's matcher recurses once per character a
// greedy item takes and gives up at a million ("pattern/input too
// complex"); this one loops, so long subjects match.
func TestLongSubjects(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L)
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
	luapattern.Install(L)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	if err := L.DoString(`print(("key = value"):match("^(%w+)%s*=%s*(%w+)$"))`); err != nil {
		fmt.Println(err)
	}
	// Output: key	value
}

func ExamplePattern_FindAll() {
	p, err := luapattern.Compile("(%a+)()")
	if err != nil {
		fmt.Println(err)
		return
	}
	matches, err := p.FindAll(context.Background(), "one two", 0, -1)
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
