package luapattern_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// luaString writes s as a Lua string literal that Lua 5.1 and gopher-lua
// read alike.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 32 || c > 126 || c == '"' || c == '\\' {
			fmt.Fprintf(&b, "\\%03d", c)
		} else {
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzAgainstLua51 runs find (pattern and plain, with an init), match,
// gmatch and gsub (string, table and function replacements, with a limit)
// on random patterns and subjects in C Lua 5.1 (`lua5.1`, skipped when it
// is not installed) and in this package, and fails on any difference in
// results or error messages. Inputs that our matcher cannot finish in
// 20 ms are skipped: C Lua, which cannot be stopped, would backtrack for
// as long or longer.
//
// The seeds are in testdata/fuzz/FuzzAgainstLua51; a longer run:
//
//	go test ./stdlib/luapattern -run '^$' -fuzz FuzzAgainstLua51 -fuzztime 2m
func FuzzAgainstLua51(f *testing.F) {
	lua51, err := exec.LookPath("lua5.1")
	if err != nil {
		f.Skip("lua5.1 is not installed")
	}
	f.Fuzz(func(t *testing.T, pattern, subject string, init, limit int8) {
		if len(pattern) > 48 || len(subject) > 160 {
			t.Skip("long inputs only make the backtracking slower")
		}
		if tooSlow(pattern, subject) {
			t.Skip("exponential backtracking")
		}
		S, P := luaString(subject), luaString(pattern)
		I, N := strconv.Itoa(int(init)), strconv.Itoa(int(limit))
		script := strings.Join([]string{
			`dofile("testdata/harness.lua")`,
			`call("find", ` + S + `, ` + P + `)`,
			`call("find", ` + S + `, ` + P + `, ` + I + `)`,
			`call("find", ` + S + `, ` + P + `, ` + I + `, true)`,
			`call("match", ` + S + `, ` + P + `, ` + I + `)`,
			`call("gmatch", ` + S + `, ` + P + `)`,
			`call("gsub", ` + S + `, ` + P + `, "<%0|%1>", ` + N + `)`,
			`call("gsub", ` + S + `, ` + P + `, ` + S + `)`,
			`call("gsub", ` + S + `, ` + P + `, T)`,
			`call("gsub", ` + S + `, ` + P + `, F, ` + N + `)`,
		}, "\n")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, lua51, "-")
		cmd.Stdin = strings.NewReader(script)
		out, err := cmd.Output()
		require.NoError(t, err, "lua5.1 on:\n%s", script)
		want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		got := run(t, script)
		if diffs := firstDiffs(want, got); len(diffs) > 0 {
			t.Fatalf("%s\n%s", script, strings.Join(diffs, "\n"))
		}
	})
}

// tooSlow reports whether our matcher needs more than 20 ms for every
// match of pattern in subject.
func tooSlow(pattern, subject string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := luapattern.FindAll(ctx, pattern, subject, 0, -1)
	return errors.Is(err, context.DeadlineExceeded)
}

// TestFuzzSeedsCoverTheSyntax keeps the checked-in corpus honest: it must
// exercise captures, back-references, %b, %f, sets, anchors and errors.
func TestFuzzSeedsCoverTheSyntax(t *testing.T) {
	seeds := readSeeds(t)
	for _, want := range []string{"(", "()", "%1", "%b", "%f[", "[^", "^", "$", "%f", ".-", "*", "+", "?"} {
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

// readSeeds returns the pattern of every seed of FuzzAgainstLua51.
func readSeeds(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", "FuzzAgainstLua51")
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
