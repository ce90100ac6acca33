package luapattern_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// FuzzAgainstGopherLua runs find (pattern and plain, with an init), match,
// gmatch and gsub (string, table and function replacements, with a limit)
// on random patterns and subjects in gopher-lua's string library and in
// ours, and fails on any difference in results, or in error against no
// error (and in the message, for Lua errors). Inputs that our matcher
// cannot finish in 20 ms are skipped: gopher-lua, which cannot be stopped,
// would backtrack for as long or longer.
//
// The seeds are in testdata/fuzz/FuzzAgainstGopherLua; a longer run:
//
//	go test ./stdlib/luapattern -run '^$' -fuzz FuzzAgainstGopherLua -fuzztime 2m
func FuzzAgainstGopherLua(f *testing.F) {
	p := newPair(f)
	f.Fuzz(func(t *testing.T, pattern, subject string, init, limit int8) {
		if len(pattern) > 48 || len(subject) > 160 {
			t.Skip("long inputs only make the backtracking slower")
		}
		if tooSlow(pattern, subject) {
			t.Skip("exponential backtracking")
		}
		S, P := s(subject), s(pattern)
		calls := []struct {
			fn   string
			args []arg
		}{
			{"find", []arg{S, P}},
			{"find", []arg{S, P, n(float64(init))}},
			{"find", []arg{S, P, n(float64(init)), argTrue}},
			{"match", []arg{S, P, n(float64(init))}},
			{"gmatch", []arg{S, P}},
			{"gsub", []arg{S, P, s("<%0|%1>"), n(float64(limit))}},
			{"gsub", []arg{S, P, s(subject)}},
			{"gsub", []arg{S, P, argTable}},
			{"gsub", []arg{S, P, argFunc, n(float64(limit))}},
		}
		for _, c := range calls {
			if c.fn == "find" && len(c.args) == 4 && int(init) > len(subject) {
				continue // TestPlainFindPastTheEnd
			}
			if d := p.diff(c.fn, c.args...); d != "" {
				t.Fatal(d)
			}
		}
	})
}

// tooSlow reports whether our matcher needs more than 20 ms for every
// match of pattern in subject.
func tooSlow(pattern, subject string) bool {
	pat, err := luapattern.Compile(pattern)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = pat.FindAll(ctx, subject, 0, -1)
	return errors.Is(err, context.DeadlineExceeded)
}

// TestFuzzSeedsCoverTheSyntax keeps the checked-in corpus honest: it must
// exercise captures, back-references, %b, sets, anchors and errors.
func TestFuzzSeedsCoverTheSyntax(t *testing.T) {
	seeds := readSeeds(t)
	for _, want := range []string{"(", "()", "%1", "%b", "[^", "^", "$", "%f", ".-", "*", "+", "?"} {
		found := false
		for _, s := range seeds {
			if strings.Contains(s, want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no seed pattern contains %q", want)
		}
	}
}

// readSeeds returns the pattern of every seed of FuzzAgainstGopherLua.
func readSeeds(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", "FuzzAgainstGopherLua")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var patterns []string
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		lines := strings.Split(string(data), "\n")
		require.GreaterOrEqual(t, len(lines), 5, e.Name())
		require.Equal(t, "go test fuzz v1", lines[0], e.Name())
		lit, ok := strings.CutPrefix(lines[1], "string(")
		require.True(t, ok, e.Name())
		pattern, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		require.NoError(t, err, e.Name())
		patterns = append(patterns, pattern)
	}
	require.GreaterOrEqual(t, len(patterns), 40)
	return patterns
}
