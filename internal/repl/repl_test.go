package repl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/stdlib"
)

func newEval(t *testing.T) (*Evaluator, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	var out, errb bytes.Buffer
	return &Evaluator{L: L, Out: &out, Err: &errb}, &out, &errb
}

func feed(t *testing.T, e *Evaluator, lines ...string) []Status {
	t.Helper()
	var st []Status
	for _, l := range lines {
		st = append(st, e.Line(t.Context(), l))
	}
	return st
}

func TestAutoPrintExpressions(t *testing.T) {
	e, out, errb := newEval(t)
	feed(t, e, "1 + 2", "'a', 'b'", "x = 5", "x * 2", "_ + 1")
	assert.Equal(t, "3\na\tb\n10\n11\n", out.String())
	assert.Empty(t, errb.String())
}

func TestStatementsRunSilently(t *testing.T) {
	e, out, _ := newEval(t)
	feed(t, e, "local y = 1", "function f() end", "f()")
	assert.Empty(t, out.String())
}

func TestUnderscoreHoldsLastValue(t *testing.T) {
	e, _, _ := newEval(t)
	feed(t, e, "40 + 2")
	assert.Equal(t, lua.LNumber(42), e.L.GetGlobal("_"))
	feed(t, e, "'later'")
	assert.Equal(t, lua.LString("later"), e.L.GetGlobal("_"))
}

func TestMultiLineChunk(t *testing.T) {
	e, out, _ := newEval(t)
	st := feed(t, e, "s = 0", "for i = 1, 3 do", "  s = s + i", "end")
	assert.Equal(t, []Status{Done, More, More, Done}, st)
	assert.Equal(t, "for i = 1, 3 do\n  s = s + i\nend", e.LastChunk())
	// A local of an earlier chunk is gone, as in lua.c: this s is a global.
	feed(t, e, "s")
	assert.Equal(t, "6\n", out.String())
}

func TestMultiLineExpression(t *testing.T) {
	e, out, _ := newEval(t)
	st := feed(t, e, "{", "a = 1,", "}")
	assert.Equal(t, []Status{More, More, Done}, st)
	assert.Contains(t, out.String(), "table")
}

func TestSyntaxErrorIsNotContinued(t *testing.T) {
	e, _, errb := newEval(t)
	st := feed(t, e, "return 1 2", "'unterminated")
	assert.Equal(t, []Status{Done, Done}, st)
	assert.Equal(t, "stdin:1: '<eof>' expected near '2'\nstdin:1: unfinished string near '<eof>'\n", errb.String(), "C Lua 5.1's words")
	assert.False(t, e.Pending())
}

func TestResetDropsPendingChunk(t *testing.T) {
	e, out, _ := newEval(t)
	assert.Equal(t, More, e.Line(t.Context(), "if true then"))
	e.Reset()
	assert.False(t, e.Pending())
	feed(t, e, "7")
	assert.Equal(t, "7\n", out.String())
}

func TestRuntimeErrorPrintsThroughToString(t *testing.T) {
	e, _, errb := newEval(t)
	feed(t, e, `err = setmetatable({op = "fly.machines.start", hint = "try another region"}, {__tostring = function(t) return t.op .. ": 412 failed_precondition: nope" end})`)
	feed(t, e, "error(err)")
	s := errb.String()
	assert.Contains(t, s, "fly.machines.start: 412 failed_precondition: nope")
	assert.Contains(t, s, "hint: try another region")
	assert.NotContains(t, s, "table: 0x")
}

func TestRecordPrintsSummaryThenFields(t *testing.T) {
	e, out, _ := newEval(t)
	e.Inspect = func(v lua.LValue) string {
		t, ok := v.(*lua.LTable)
		if !ok {
			return v.String()
		}
		var keys []string
		t.ForEach(func(k, _ lua.LValue) { keys = append(keys, k.String()) })
		return "{" + strings.Join(keys, ",") + "}"
	}
	feed(t, e, `setmetatable({id = "abc"}, {__tostring = function(m) return "<machine " .. m.id .. ">" end})`)
	assert.Equal(t, "<machine abc>\n{id}\n", out.String())
}

func TestCancellationInterrupts(t *testing.T) {
	e, _, errb := newEval(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	e.Line(ctx, "while true do end")
	assert.Equal(t, "interrupted\n", errb.String())
	// The state is usable afterwards.
	var out bytes.Buffer
	e.Out = &out
	e.Line(t.Context(), "1")
	assert.Equal(t, "1\n", out.String())
}

func TestIncomplete(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	for src, want := range map[string]bool{
		"for i=1,2 do": true, "x = ": true, "f(": true, "x = [[abc": true,
		"print('a": false, "return 1 2": false, "end": false,
	} {
		_, err := lua51.Load(L, []byte(src), ChunkName)
		require.Error(t, err, src)
		assert.Equal(t, want, Incomplete(err), src)
	}
}

func completerState(t *testing.T) *Completer {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, L.DoString(`
		local ns = { list = function() end, get = function() end, wait = function() end }
		fly = { machines = ns, volumes = {}, apps = {} }
		local handle_mt = { __index = { machines = ns } }
		fly.app = function(name) return setmetatable({ name = name }, handle_mt) end
		fly.use = function(name) error("must not be called by completion") end
		flag = true
	`))
	return &Completer{L: L, PureCalls: map[string]bool{"fly.app": true}}
}

func TestCompleteGlobalsAndFields(t *testing.T) {
	c := completerState(t)
	head, got, tail := c.Complete("fly.ma", 6)
	assert.Equal(t, "fly.", head)
	assert.Equal(t, []string{"machines"}, got)
	assert.Equal(t, "", tail)

	_, got, _ = c.Complete("fly.machines.", 13)
	assert.Equal(t, []string{"get", "list", "wait"}, got)

	head, got, _ = c.Complete("x = fl", 6)
	assert.Equal(t, "x = ", head)
	assert.Equal(t, []string{"flag", "fly"}, got)

	_, got, _ = c.Complete("fo", 2)
	assert.Equal(t, []string{"for"}, got)
}

func TestCompleteOnHandles(t *testing.T) {
	c := completerState(t)
	line := `fly.app("api").machines.l`
	head, got, _ := c.Complete(line, len(line))
	assert.Equal(t, `fly.app("api").machines.`, head)
	assert.Equal(t, []string{"list"}, got)
	// A call that is not known to be pure is never made.
	line = `fly.use("api").machines.`
	_, got, _ = c.Complete(line, len(line))
	assert.Empty(t, got)
}

func TestCompleteNotInsideStrings(t *testing.T) {
	c := completerState(t)
	_, got, _ := c.Complete(`print("fly.ma`, 13)
	assert.Empty(t, got)
}

func TestHelp(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString(`fly = { machines = { create = function() end } }`))
	h := NewHelp([]Doc{{Name: "fly.machines.create", Signature: "fly.machines.create(body) -> machine", Summary: "Create a machine.", Op: "POST /v1/apps/{app_name}/machines"}})
	var out strings.Builder
	h.Install(L, func(s string) { out.WriteString(s + "\n") })
	require.NoError(t, L.DoString(`help(fly.machines.create)`))
	assert.Contains(t, out.String(), "fly.machines.create(body) -> machine")
	assert.Contains(t, out.String(), "POST /v1/apps/{app_name}/machines")
	out.Reset()
	require.NoError(t, L.DoString(`help(fly.machines)`))
	assert.Contains(t, out.String(), "fly.machines:")
	out.Reset()
	require.NoError(t, L.DoString(`help(print)`))
	assert.Contains(t, out.String(), "no help")
	out.Reset()
	// A misspelt name is nil: say so, rather than print the overview as
	// help() does, which reads as if the name were fine.
	require.NoError(t, L.DoString(`help(fly.machines.craete)`))
	assert.Equal(t, NilHelp+"\n", out.String())
	out.Reset()
	require.NoError(t, L.DoString(`help()`))
	assert.NotContains(t, out.String(), "no help for nil")
	out.Reset()
	require.NoError(t, L.DoString(`help("nosuch")`))
	assert.Contains(t, out.String(), `no help for "nosuch"`)
	out.Reset()
	require.NoError(t, L.DoString(`help("fly.machine")`))
	assert.Equal(t, "no help for \"fly.machine\"; did you mean \"fly.machines\"?\n", out.String(), "a namespace")
	out.Reset()
	require.NoError(t, L.DoString(`help("fly.machines.craete")`))
	assert.Contains(t, out.String(), `did you mean "fly.machines.create"?`, "a function")
}

// TestHelpSim: help("sim") tells a script author how to make the
// simulator fail (the image conventions), and lists the sim functions.
func TestHelpSim(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	h := NewHelp([]Doc{{Name: "sim.advance", Signature: "sim.advance(duration)", Summary: "Move the clock."}})
	var out strings.Builder
	h.Install(L, func(s string) { out.WriteString(s + "\n") })
	require.NoError(t, L.DoString(`help("sim")`))
	for _, want := range []string{`"sim-fail"`, `"sim-unhealthy"`, `"sim-slow"`, "restart or an update", "sim.advance(duration)"} {
		assert.Contains(t, out.String(), want)
	}
}

func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "flyscript", "history")
	entries := []string{"fly.machines.list()", "for i=1,2 do\nprint(i)\nend", `token = "FlyV1 fm2_abc"`, `x = "` + strings.Repeat("A", 50) + `"`}
	require.NoError(t, WriteHistoryFile(path, entries))
	got, err := ReadHistoryFile(path)
	require.NoError(t, err)
	assert.Equal(t, entries[:2], got)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	many := make([]string, MaxHistory+10)
	for i := range many {
		many[i] = "x = " + strings.Repeat("1", i%7+1)
	}
	require.NoError(t, WriteHistoryFile(path, many))
	got, err = ReadHistoryFile(path)
	require.NoError(t, err)
	assert.Len(t, got, MaxHistory)
}

func TestHistoryPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	assert.Equal(t, "/s/flyscript/history", HistoryPath(env(map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"})))
	assert.Equal(t, "/h/.local/state/flyscript/history", HistoryPath(env(map[string]string{"HOME": "/h"})))
	assert.Equal(t, "", HistoryPath(env(nil)))
}

func TestHistoryEntry(t *testing.T) {
	assert.Equal(t, "for i=1,2 do print(i) end", historyEntry("for i=1,2 do\n  print(i)\nend"))
	assert.Equal(t, "x = 1 -- c\ny = 2", historyEntry("x = 1 -- c\ny = 2"))
}

func TestOsExitEndsTheSession(t *testing.T) {
	e, _, errb := newEval(t)
	require.NoError(t, stdlib.Open(e.L, stdlib.Config{Stdout: e.Out, Stderr: e.Err}))
	assert.Equal(t, Done, e.Line(t.Context(), "x = 1"))
	assert.Equal(t, Exit, e.Line(t.Context(), "os.exit(3)"))
	assert.Equal(t, 3, e.ExitCode())
	assert.Empty(t, errb.String(), "os.exit is not an error")
}

func TestErrorsNameTheChunk(t *testing.T) {
	e, _, errb := newEval(t)
	feed(t, e, "nosuch()")
	assert.True(t, strings.HasPrefix(errb.String(), "stdin:1:"), errb.String())
}

func TestErrorOfACallIsLocatedAtThePrompt(t *testing.T) {
	e, _, errb := newEval(t)
	require.NoError(t, e.L.DoString(`function boom() error({}) end`))
	e.FormatError = func(err error) string {
		var api *lua.ApiError
		require.ErrorAs(t, err, &api)
		return api.StackTrace
	}
	// Typed as an expression, the call must not be a tail call: the
	// prompt's frame is still on the stack when it fails.
	feed(t, e, "boom()")
	assert.Contains(t, errb.String(), "stdin:1: in main chunk")
}

// Errors at the prompt read as C Lua 5.1's lua.c prints them, located in
// the chunk typed ("stdin:3:"), and a chunk of several lines shows the
// line blamed.
func TestErrorsAtThePrompt(t *testing.T) {
	cases := []struct {
		lines []string
		want  string
	}{
		{[]string{"x = = 1"}, "stdin:1: unexpected symbol near '='\n"},
		{[]string{"undefinedfn()"}, "stdin:1: attempt to call global 'undefinedfn' (a nil value)"},
		{[]string{"local m = {}; m:stop()"}, "stdin:1: attempt to call method 'stop' (a nil value)"},
		{[]string{"local cfg = {}; return cfg.metadata.role"}, "stdin:1: attempt to index field 'metadata' (a nil value)"},
		{[]string{"for i = 1, 'x' do end"}, "stdin:1: 'for' limit must be a number"},
		{[]string{"for i = 1, 2 do", "  local x", "  print(x + 1)", "end"},
			"stdin:3: attempt to perform arithmetic on local 'x' (a nil value)\n  3 |   print(x + 1)\n"},
		{[]string{"local t = {", "  a = 1", "  b = 2", "}"},
			"stdin:3: '}' expected (to close '{' at line 1) near 'b'\n  3 |   b = 2\n"},
		{[]string{"pirnt('x')"}, "stdin:1: attempt to call global 'pirnt' (a nil value) (hint: did you mean 'print'?)"},
	}
	for _, c := range cases {
		e, _, errb := newEval(t)
		feed(t, e, c.lines...)
		assert.True(t, strings.HasPrefix(errb.String(), c.want), "%q:\n got  %q\n want %q", c.lines, errb.String(), c.want)
	}
}

// TestEqualsShorthand: lua.c's "=expr" prints the expression, at the start
// of a chunk only.
func TestEqualsShorthand(t *testing.T) {
	e, out, errOut := newEval(t)
	assert.Equal(t, Done, e.Line(t.Context(), "=1+1"))
	assert.Equal(t, Done, e.Line(t.Context(), "  = 'a' .. 'b'"))
	assert.Equal(t, "2\nab\n", out.String())
	assert.Empty(t, errOut.String())
	assert.Equal(t, More, e.Line(t.Context(), "x ="))
	assert.Equal(t, Done, e.Line(t.Context(), "= 1"))
	assert.Contains(t, errOut.String(), "unexpected symbol near '='", "inside a chunk, = is Lua's")
}

// A history file written by something else, or damaged, may be of any
// size: only its end is read and only the last MaxHistory entries are kept
// (a 50 MB file took the REPL 20 s to leave, checking every line).
func TestHistoryFileOfAnySize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history")
	var b strings.Builder
	for i := range 400_000 {
		fmt.Fprintf(&b, "print(%d) -- %s\n", i, strings.Repeat("x", i%20))
	}
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	require.Greater(t, b.Len(), 8<<20)
	got, err := ReadHistoryFile(path)
	require.NoError(t, err)
	require.Len(t, got, MaxHistory)
	assert.Equal(t, fmt.Sprintf("print(%d) -- %s", 399_999, strings.Repeat("x", 399_999%20)), got[len(got)-1])
	assert.True(t, strings.HasPrefix(got[0], "print("), "the first entry kept is whole: %q", got[0])
}

// A history file that is a link stays a link: the entries go where it
// points (the rename replaced the link with a file).
func TestHistoryFileThroughALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "flyscript_history")
	require.NoError(t, os.MkdirAll(filepath.Dir(real), 0o700))
	require.NoError(t, os.WriteFile(real, []byte("old = 1\n"), 0o600))
	link := filepath.Join(dir, "state", "flyscript", "history")
	require.NoError(t, os.MkdirAll(filepath.Dir(link), 0o700))
	require.NoError(t, os.Symlink(real, link))
	require.NoError(t, WriteHistoryFile(link, []string{"old = 1", "new = 2"}))
	info, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&os.ModeSymlink, "the link is still a link")
	b, err := os.ReadFile(real)
	require.NoError(t, err)
	assert.Equal(t, "old = 1\nnew = 2\n", string(b))
}

// help() lists namespaces with their counts, and the documented global
// functions on a line of their own: print and pcall are no namespaces.
func TestHelpOverviewSeparatesGlobals(t *testing.T) {
	h := NewHelp([]Doc{{Name: "fly.machines.create"}, {Name: "fly.machines.list"}, {Name: "print"}, {Name: "inspect"}, {Name: "os.exit"}})
	got := h.Overview()
	assert.Contains(t, got, "Namespaces:\n  fly.machines             2 functions\n  os                       1 function\nGlobal functions: inspect, print")
	assert.NotContains(t, got, "  print ")
}
