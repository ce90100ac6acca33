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

// replFunc is the function replacement of the gsub comparisons: it shows
// the types and values of its arguments and, for some first arguments,
// returns nil, false, a number or a table instead.
const replFunc = `
return function(...)
  local parts = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    parts[#parts + 1] = type(v) .. ":" .. tostring(v)
  end
  local first = ...
  if first == "b" then return nil end
  if first == "c" then return false end
  if first == "d" then return 42 end
  if first == "e" then return {} end
  return "<" .. table.concat(parts, ",") .. ">"
end`

// replTable is the table replacement: strings, false, a number, a table,
// true, and numeric keys for position captures.
const replTable = `
return { a = "A", b = false, c = 1.5, d = {}, x = true, hello = "HI", ["1"] = "one",
         [1] = "pos1", [2] = "pos2", [4] = "pos4", ["%"] = "pct" }`

// side is one Lua state: gopher-lua's own string library (ref) or ours.
type side struct {
	L    *lua.LState
	str  *lua.LTable
	fn   *lua.LFunction
	tbl  *lua.LTable
	name string
}

func newSide(t testing.TB, ours bool) *side {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	// A context that never ends: the matcher polls it, the VM checks it.
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	L.SetContext(ctx)
	name := "gopher-lua"
	if ours {
		luapattern.Install(L)
		name = "luapattern"
	}
	require.NoError(t, L.DoString(replFunc))
	fn := L.Get(-1).(*lua.LFunction)
	require.NoError(t, L.DoString(replTable))
	tbl := L.Get(-1).(*lua.LTable)
	L.SetTop(0)
	return &side{L: L, str: L.GetGlobal("string").(*lua.LTable), fn: fn, tbl: tbl, name: name}
}

// arg is an argument of a compared call, made in each state.
type arg struct {
	kind byte // 's' string, 'n' number, '0' nil, 't' true, 'f' false, 'T' repl table, 'F' repl function
	s    string
	n    float64
}

func s(v string) arg  { return arg{kind: 's', s: v} }
func n(v float64) arg { return arg{kind: 'n', n: v} }

var (
	argNil   = arg{kind: '0'}
	argTrue  = arg{kind: 't'}
	argFalse = arg{kind: 'f'}
	argTable = arg{kind: 'T'}
	argFunc  = arg{kind: 'F'}
)

func (a arg) value(sd *side) lua.LValue {
	switch a.kind {
	case 's':
		return lua.LString(a.s)
	case 'n':
		return lua.LNumber(a.n)
	case 't':
		return lua.LTrue
	case 'f':
		return lua.LFalse
	case 'T':
		return sd.tbl
	case 'F':
		return sd.fn
	}
	return lua.LNil
}

func (a arg) String() string {
	switch a.kind {
	case 's':
		return fmt.Sprintf("%q", a.s)
	case 'n':
		return fmt.Sprint(a.n)
	case 't':
		return "true"
	case 'f':
		return "false"
	case 'T':
		return "{table}"
	case 'F':
		return "function"
	}
	return "nil"
}

// outcome is what a call returned (each value as type:value) or its error.
type outcome struct {
	vals []string
	err  string
}

func show(v lua.LValue) string {
	switch v.Type() {
	case lua.LTString, lua.LTNumber, lua.LTBool, lua.LTNil:
		return v.Type().String() + ":" + v.String()
	}
	return v.Type().String()
}

// call calls string[fn](args...) in protected mode. For gmatch it then
// runs the iterator as a generic for does (at most 10,000 times) and
// lists every tuple it returns.
func (sd *side) call(fn string, args []arg) outcome {
	L := sd.L
	L.SetTop(0)
	L.Push(L.GetField(sd.str, fn))
	for _, a := range args {
		L.Push(a.value(sd))
	}
	if err := L.PCall(len(args), lua.MultRet, nil); err != nil {
		L.SetTop(0)
		return outcome{err: errText(err)}
	}
	var o outcome
	top := L.GetTop()
	for i := 1; i <= top; i++ {
		o.vals = append(o.vals, show(L.Get(i)))
	}
	if fn != "gmatch" || top != 2 {
		L.SetTop(0)
		return o
	}
	iter, state := L.Get(1), L.Get(2)
	for range 10000 {
		L.SetTop(0)
		L.Push(iter)
		L.Push(state)
		L.Push(lua.LNil)
		if err := L.PCall(2, lua.MultRet, nil); err != nil {
			o.err = errText(err)
			break
		}
		if L.GetTop() == 0 || L.Get(1) == lua.LNil {
			break
		}
		var tuple []string
		for i := 1; i <= L.GetTop(); i++ {
			tuple = append(tuple, show(L.Get(i)))
		}
		o.vals = append(o.vals, "("+strings.Join(tuple, " ")+")")
	}
	L.SetTop(0)
	return o
}

// errText is the message of a Lua error, without gopher-lua's traceback.
func errText(err error) string {
	if api, ok := err.(*lua.ApiError); ok && api.Object != nil {
		return api.Object.String()
	}
	msg, _, _ := strings.Cut(err.Error(), "\nstack traceback:")
	return msg
}

// goPanic reports whether gopher-lua's error was a Go runtime error
// (a slice out of range in its matcher or string.find), not a Lua error.
func goPanic(msg string) bool { return strings.Contains(msg, "runtime error") }

// pair is gopher-lua's string library next to ours.
type pair struct {
	ref, our *side
}

func newPair(t testing.TB) *pair {
	return &pair{ref: newSide(t, false), our: newSide(t, true)}
}

// diff returns "" when both libraries give the same outcome for
// string[fn](args...), and otherwise a description of the difference.
// Where gopher-lua fails with a Go runtime error, any error of ours will
// do (our message is "invalid capture index" or similar).
func (p *pair) diff(fn string, args ...arg) string {
	want, got := p.ref.call(fn, args), p.our.call(fn, args)
	same := false
	switch {
	case want.err != "" && goPanic(want.err):
		same = got.err != ""
	case want.err != "" || got.err != "":
		same = want.err == got.err && fmt.Sprint(want.vals) == fmt.Sprint(got.vals)
	default:
		same = fmt.Sprint(want.vals) == fmt.Sprint(got.vals)
	}
	if same {
		return ""
	}
	list := make([]string, len(args))
	for i, a := range args {
		list[i] = a.String()
	}
	return fmt.Sprintf("string.%s(%s):\n  gopher-lua: %v err=%q\n  luapattern: %v err=%q",
		fn, strings.Join(list, ", "), want.vals, want.err, got.vals, got.err)
}

// compareAll runs every function on one subject and pattern: find (plain
// or not, several inits), match (several inits), gmatch, and gsub with a
// string, table and function replacement and several limits. It returns
// the differences.
func (p *pair) compareAll(subject, pattern string) []string {
	var out []string
	add := func(d string) {
		if d != "" {
			out = append(out, d)
		}
	}
	S, P := s(subject), s(pattern)
	add(p.diff("find", S, P))
	add(p.diff("match", S, P))
	add(p.diff("gmatch", S, P))
	for _, init := range []float64{0, 2, -1, -3, 100} {
		add(p.diff("find", S, P, n(init)))
		add(p.diff("match", S, P, n(init)))
	}
	add(p.diff("find", S, P, n(1), argTrue))
	add(p.diff("find", S, P, n(2), argFalse))
	for _, repl := range []arg{s("<%0>"), s("%1-%2"), s("%%1%"), argTable, argFunc} {
		add(p.diff("gsub", S, P, repl))
	}
	for _, limit := range []float64{0, 1, 2, -1} {
		add(p.diff("gsub", S, P, s("[%1]"), n(limit)))
	}
	return out
}

// comparePatterns are patterns covering every part of the syntax, the
// cases where gopher-lua departs from the manual, and malformed ones.
var comparePatterns = []string{
	// literals and classes
	"", "a", "abc", "hello", ".", "..", "%a", "%A", "%c", "%C", "%d", "%D", "%l", "%L",
	"%p", "%P", "%s", "%S", "%u", "%U", "%w", "%W", "%x", "%X", "%z", "%Z",
	"%.", "%%", "%-", "%(", "%]", "%[", "%^", "%$", "%g", "%G", "%q", "%f", "%E",
	"%a+", "%d+", "%s*", "%S+", "%w+%s*", "[%w_]+", "%x%x", "%z+",
	// sets
	"[abc]", "[^abc]", "[a-c]", "[^a-c]+", "[%a]", "[%d%s]+", "[^%s]+", "[]]", "[^]]", "[]a]",
	"[a-]", "[-a]", "[a-%d]", "[%a-z]", "[a-b-c]", "[a--]", "[a--c]", "[.]", "[%.]", "[[]", "[%]]",
	"[^%a%d]", "[%w_%-]+", "[\x00-\x1f]", "[\x80-\xff]+", "[z-a]", "[a-a]", "[%%]", "[+*?-]+",
	// quantifiers
	"a*", "a+", "a-", "a?", ".*", ".+", ".-", ".?", "a*b", "a-b", "a+b", "a?b", "[ab]*c",
	"*", "+a", "-", "?", "a**", "a*+", "a*?", "a-*", "**", "a+?b", ".-b", ".*b", "x*$",
	// anchors
	"^", "$", "^$", "^a", "a$", "^a$", "^.*$", "^a*", "b$", "a$b", "^^a", "$$", "a^", "^%s*(.-)%s*$",
	// captures
	"(a)", "(a)(b)", "(a*)", "(.-)b", "((a)(b))", "(a(b)c)", "()", "()a()", "(()a)", "(a)()",
	"(h)(e)(l)(l)(o)", "^(%w+)=(%w*)$", "(%d+)-(%d+)", "()ll()", "(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)",
	// back-references
	"(a)%1", "(.)%1", "(%w+) %1", "%1", "(a%1)", "((a)%1)", "()%1", "(a)%2", "(.)(.)%2%1", "%0", "(a)%10",
	// balance
	"%b()", "%b{}", "%bab", "%b''", "%b", "%ba", "%b()+", "(%b())", "x%b<>y",
	// frontier is a plain f in gopher-lua
	"%f[%w]", "%f[%a]%a+", "%f", "%F",
	// malformed
	"(", ")", "a)", "((a)", "(a", "[", "[a", "[^", "[%", "%", "a%", "[a-", "(()", "((", "())", "[]", "[^]",
	"%b(", "(%)", "([)", "a(b)c)", "ab%0", "x[%", "%w+=()(%w*)",
}

// compareSubjects are the subjects each pattern is tried on.
var compareSubjects = []string{
	"", "a", "b", "aaa", "abc", "aab", "hello world", "  padded  ", "key=value", "key=",
	"12-34", "(a(b)c)d", "{x}{y}", "x<a>y", "'q'", "a.b,c;d", "ABC def 123", "\x00\x01z\x7f",
	"\x80\xff\xfe", "abab", "aa bb aa", "hello hello", "f[%w]", "]]]", "a-b-c", "$^", "%1%a",
}

// TestSameAsGopherLua compares find, match, gmatch and gsub with
// gopher-lua's on every pattern and subject above.
func TestSameAsGopherLua(t *testing.T) {
	p := newPair(t)
	var diffs []string
	for _, pat := range comparePatterns {
		for _, subj := range compareSubjects {
			diffs = append(diffs, p.compareAll(subj, pat)...)
		}
	}
	assert.Empty(t, diffs, "%d differences, the first ones:\n%s", len(diffs), strings.Join(diffs[:min(len(diffs), 20)], "\n"))
}

// TestSameAsGopherLuaArguments compares the argument handling: numbers as
// strings, bad types, init and plain variants, gsub's repl types and limits.
func TestSameAsGopherLuaArguments(t *testing.T) {
	p := newPair(t)
	cases := []struct {
		fn   string
		args []arg
	}{
		{"find", []arg{n(12345), s("3")}},
		{"find", []arg{s("a123"), n(2)}},
		{"find", []arg{s("abc"), s("")}},
		{"find", []arg{s("abc"), s(""), n(10)}},
		{"find", []arg{s("abc"), s(""), s("x")}},
		{"find", []arg{s("abc"), s("b"), s("x")}},
		{"find", []arg{s("abc"), s("b"), s("2")}},
		{"find", []arg{s("a.b"), s("."), n(1), argTrue}},
		{"find", []arg{s("a.b"), s("."), n(1), argTrue, argNil}},
		{"find", []arg{s("a.b"), s("."), n(2), n(0)}},
		{"find", []arg{s("a.b"), s("."), argNil, argTrue}},
		{"find", []arg{s("a.b"), s("b"), n(4), argTrue}},
		{"find", []arg{s("a.b"), s("b"), n(-10), argTrue}},
		{"find", []arg{s("abc"), s("b"), n(1.5)}},
		{"find", []arg{argNil, s("b")}},
		{"find", []arg{s("abc")}},
		{"find", []arg{s("abc"), argTable}},
		{"match", []arg{n(12345), s("%d%d")}},
		{"match", []arg{s("abc"), s("b"), s("x")}},
		{"match", []arg{s("abc"), s("()"), n(4)}},
		{"match", []arg{s("abc"), s("()"), n(5)}},
		{"match", []arg{s("abc"), s("()"), n(-10)}},
		{"match", []arg{argTrue, s("b")}},
		{"gmatch", []arg{n(12345), s("%d")}},
		{"gmatch", []arg{s("abc")}},
		{"gmatch", []arg{s("abc"), argFalse}},
		{"gsub", []arg{n(12345), s("x"), s("y")}},
		{"gsub", []arg{n(12345), s("3"), s("y")}},
		{"gsub", []arg{s("abc"), s("b"), n(7)}},
		{"gsub", []arg{s("abc"), s("b"), argTrue}},
		{"gsub", []arg{s("abc"), s("b")}},
		{"gsub", []arg{s("abc"), s("b"), s("x"), s("1")}},
		{"gsub", []arg{s("abc"), s("b"), s("x"), n(1.9)}},
		{"gsub", []arg{s("abc"), s("%w"), s("x"), n(-5)}},
		{"gsub", []arg{s("abc"), s("x"), s("%2")}},
		{"gsub", []arg{s("abc"), s("b"), s("%2")}},
		{"gsub", []arg{s("abc"), s("(b)"), s("%2")}},
		{"gsub", []arg{s("abc"), s("(b)()"), s("%2%3")}},
		{"gsub", []arg{s("abc"), s("()"), s("%1|")}},
		{"gsub", []arg{s("abc"), s("()"), argTable}},
		{"gsub", []arg{s("abc"), s("()(b)"), argTable}},
		{"gsub", []arg{s("abc"), s("()"), argFunc}},
		{"gsub", []arg{s("abc"), s(""), s("-")}},
		{"gsub", []arg{s("abc"), s(".-"), s("-")}},
		{"gsub", []arg{s("abc"), s("%w*"), s("-")}},
		{"gsub", []arg{s("hello world"), s("o"), s("%1%x%")}},
		{"gsub", []arg{s("hello world"), s("(o)"), s("%%%1%%")}},
		{"gsub", []arg{s("abc"), s("%w"), s("%")}},
		{"gsub", []arg{s("abc"), s("%w"), s("%%%")}},
		{"gsub", []arg{s("a b c d e"), s("%w"), argFunc}},
		{"gsub", []arg{s("a b c d e x"), s("%w"), argTable}},
		{"gsub", []arg{s("a b c d e x"), s("(%w)"), argTable}},
		{"gmatch", []arg{s("a,b,,c"), s("([^,]*)")}},
		{"gmatch", []arg{s("key=val, k2=v2"), s("(%w+)=(%w+)")}},
		{"gmatch", []arg{s("abc"), s("()")}},
		{"gmatch", []arg{s("abc"), s("^.")}},
		{"gmatch", []arg{s("abc"), s("()%1")}},
	}
	for _, c := range cases {
		assert.Empty(t, p.diff(c.fn, c.args...))
	}
}

// TestPlainFindPastTheEnd: gopher-lua's plain find from beyond the end of
// the subject fails with a Go slice error; ours returns nil, as its
// pattern search does for the same init (and Lua 5.1 does).
func TestPlainFindPastTheEnd(t *testing.T) {
	p := newPair(t)
	args := []arg{s("a.b"), s("b"), n(10), argTrue}
	assert.True(t, goPanic(p.ref.call("find", args).err))
	assert.Equal(t, outcome{vals: []string{"nil:nil"}}, p.our.call("find", args))
	assert.Equal(t, outcome{vals: []string{"nil:nil"}}, p.our.call("find", []arg{s("a.b"), s("b"), n(10)}))
}

// TestMethodsAndAliases: s:find and friends and string.gfind use the new
// functions, which stop on a cancelled context (gopher-lua's would not).
func TestMethodsAndAliases(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	luapattern.Install(L)
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

// TestInstallWithoutStringLibrary leaves a state without the string
// library alone.
func TestInstallWithoutStringLibrary(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	luapattern.Install(L)
	assert.Equal(t, lua.LNil, L.GetGlobal("string"))
}
