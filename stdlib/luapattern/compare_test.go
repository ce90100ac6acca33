package luapattern_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

var harnessPosition = regexp.MustCompile(`error: testdata/harness\.lua:\d+: `)

// run runs a script of testdata/harness.lua's calls in gopher-lua with
// this package's functions installed and returns the lines it emits.
func run(t testing.TB, script string) []string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	// A context that never ends: the matcher polls it, the VM checks it.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	luapattern.Install(L, luapattern.Conversions{})
	var lines []string
	L.SetGlobal("emit", L.NewFunction(func(L *lua.LState) int {
		// Plain gopher-lua puts the Lua caller's position before the
		// message of an error raised in a Go function that pcall
		// called; C Lua (and internal/lua51) put none there.
		lines = append(lines, harnessPosition.ReplaceAllString(L.CheckString(1), "error: "))
		return 0
	}))
	require.NoError(t, L.DoString(script))
	return lines
}

// firstDiffs describes the first few lines where got differs from want,
// each after the header line (subject and pattern) above it.
func firstDiffs(want, got []string) []string {
	var out []string
	header := ""
	for i := 0; i < max(len(want), len(got)) && len(out) < 20; i++ {
		w, g := "<none>", "<none>"
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if strings.HasPrefix(w, "-- ") {
			header = w
		}
		if w != g {
			out = append(out, fmt.Sprintf("line %d, %s\n  lua5.1:     %s\n  luapattern: %s", i+1, header, w, g))
		}
	}
	return out
}

// TestSameAsLua51 runs find, match, gmatch and gsub on every pattern and
// subject of testdata/compare.lua (every part of the syntax, the frontier,
// malformed patterns, captures and back-references, replacement strings,
// tables and functions) and compares each result and error message with
// C Lua 5.1's, recorded in testdata/compare.out.gz (testdata/record.sh).
func TestSameAsLua51(t *testing.T) {
	src, err := os.ReadFile("testdata/compare.lua")
	require.NoError(t, err)
	got := run(t, string(src))

	f, err := os.Open("testdata/compare.out.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	data, err := io.ReadAll(zr)
	require.NoError(t, err)
	want := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")

	require.Greater(t, len(want), 70000)
	diffs := firstDiffs(want, got)
	assert.Empty(t, diffs, "the first differences:\n%s", strings.Join(diffs, "\n"))
}

// TestMethodsAndAliases: s:find and friends and string.gfind use the new
// functions.
func TestMethodsAndAliases(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{})
	require.NoError(t, L.DoString(`
		local a, b = ("key=value"):find("=")
		assert(a == 4 and b == 4)
		assert(("abc"):match("b(c)") == "c")
		local n = 0
		for w in ("a b c"):gfind("%a") do n = n + 1 end
		assert(n == 3)
		assert(string.gmatch == string.gfind)
		assert(select(2, ("aaa"):gsub("a", "b")) == 3)
	`))
	str := L.GetGlobal("string").(*lua.LTable)
	mt := L.GetMetatable(lua.LString("")).(*lua.LTable)
	assert.Same(t, str.RawGetString("find"), mt.RawGetString("__index").(*lua.LTable).RawGetString("find"))
	assert.Equal(t, lua.LTFunction, str.RawGetString("find").Type())
}

// TestNumberString: gsub writes numbers with the function given to
// Install.
func TestNumberString(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{NumberString: func(f float64) string { return fmt.Sprintf("<%g>", f) }})
	require.NoError(t, L.DoString(`
		assert(("a"):gsub("a", 0.5) == "<0.5>")
		assert(("a"):gsub("a", function() return 2 end) == "<2>")
		assert(("a"):gsub("a", { a = 3 }) == "<3>")
	`))
}

// TestInstallWithoutStringLibrary leaves a state without the string
// library alone.
func TestInstallWithoutStringLibrary(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	luapattern.Install(L, luapattern.Conversions{})
	assert.Equal(t, lua.LNil, L.GetGlobal("string"))
}
