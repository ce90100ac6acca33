package flyscript

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
	flylua "github.com/flyscript/flyscript/lua"
)

// newVM builds a VM writing to buffers and closes it with the test.
func newVM(t *testing.T, opts ...Option) (*VM, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	vm, err := New(append([]Option{WithStdout(&out), WithStderr(&errOut)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(vm.Close)
	return vm, &out, &errOut
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

func TestRunSetsArgAndVarargs(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	p := writeFile(t, t.TempDir(), "args.lua", "#!/usr/bin/env flyscript\nprint(arg[0] == ..., #arg, arg[1], arg[2], select('#', ...), ...)\n")
	err := vm.Run(t.Context(), p, "one", "two")
	require.NoError(t, err)
	// arg[0] is the script; ... holds the arguments only.
	assert.Equal(t, "false\t2\tone\ttwo\t2\tone\ttwo\n", out.String())
}

func TestShebangKeepsLineNumbers(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	p := writeFile(t, t.TempDir(), "bang.lua", "#!/usr/bin/env flyscript\n\nerror('here')\n")
	err := vm.Run(t.Context(), p)
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, p+":3: here", se.Message)
	assert.Equal(t, p+":3", se.Where)
	assert.Contains(t, se.Traceback, p+":3: in main chunk")
}

func TestRunMissingFile(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.Run(t.Context(), filepath.Join(t.TempDir(), "nope.lua"))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "cannot open")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestRequireFindsScriptFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "helper.lua", "return { greet = function(n) return 'hello ' .. n end }\n")
	writeFile(t, dir, "pkg/init.lua", "return { name = 'pkg' }\n")
	p := writeFile(t, dir, "main.lua", "local h = require('helper')\nprint(h.greet('fly'), require('pkg').name)\n")
	vm, out, _ := newVM(t)
	require.NoError(t, vm.Run(t.Context(), p))
	assert.Equal(t, "hello fly\tpkg\n", out.String())
}

func TestScriptErrorFromTableUsesTostring(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	src := `
local E = { __tostring = function(e) return "fly.machines.start: 412 failed_precondition: " .. e.message end }
local function start()
  error(setmetatable({ code = "failed_precondition", message = "replaced", hint = "wait for it", status = 412 }, E))
end
start()
`
	err := vm.RunSource(t.Context(), "deploy.lua", []byte(src))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "deploy.lua:4: fly.machines.start: 412 failed_precondition: replaced", se.Error())
	assert.Equal(t, "wait for it", se.Hint)
	assert.Equal(t, map[string]any{"code": "failed_precondition", "message": "replaced", "hint": "wait for it", "status": int64(412)}, se.Value)
	assert.NotContains(t, se.Error(), "table: 0x")
	assert.Equal(t, "stack traceback:\n\t[G]: in function 'error'\n\tdeploy.lua:4: in function 'start'\n\tdeploy.lua:6: in main chunk", se.Traceback)
}

func TestScriptErrorWithoutTostring(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.RunSource(t.Context(), "t.lua", []byte(`error({ message = "plain table" })`))
	require.EqualError(t, err, "t.lua:1: plain table")
	err = vm.RunSource(t.Context(), "t.lua", []byte(`error({ 1, 2 })`))
	require.EqualError(t, err, "t.lua:1: (error object is a table value)")
	err = vm.RunSource(t.Context(), "t.lua", []byte(`error(setmetatable({}, { __tostring = function() error("broken") end }))`))
	require.EqualError(t, err, "t.lua:1: (error object is a table value; its __tostring failed)")
}

func TestSyntaxError(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.RunSource(t.Context(), "bad.lua", []byte("x = = 1"))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Syntax)
	assert.Equal(t, "bad.lua:1: unexpected symbol near '='", se.Message, "C Lua 5.1's words")
}

func TestBytecodeRefused(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.RunSource(t.Context(), "bin.luac", []byte("\x1bLua\x51\x00rest"))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "bin.luac: "+lua51.ErrBytecode, se.Message)

	vals, err := vm.Eval(t.Context(), `loadstring("\27Lua\81\0")`)
	require.NoError(t, err)
	assert.Equal(t, []any{nil, lua51.ErrBytecode}, vals)
	vals, err = vm.Eval(t.Context(), `load((function() local s = "\27Lua"; return function() local r = s; s = nil; return r end end)())`)
	require.NoError(t, err)
	assert.Equal(t, []any{nil, lua51.ErrBytecode}, vals)
}

func TestLoadStillLoadsSource(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	vals, err := vm.Eval(t.Context(), `loadstring("return 1 + 1")(), load("return 'two'")(), load(coroutine.wrap(function() coroutine.yield("return ") coroutine.yield("3") end))()`)
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2), "two", int64(3)}, vals)
}

func TestEvalConversions(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	cases := []struct {
		src  string
		want []any
	}{
		{"nil", []any{nil}},
		{"true, false", []any{true, false}},
		{"1 + 2", []any{int64(3)}},
		{"1.5", []any{1.5}},
		{"-0", []any{int64(0)}},
		{"2^53", []any{int64(1 << 53)}},
		{"1/0", []any{inf()}},
		{"'s'", []any{"s"}},
		{"{}", []any{map[string]any{}}},
		{"{1, 'a', {true}}", []any{[]any{int64(1), "a", []any{true}}}},
		{"{a = 1, [2] = 'x', [1.5] = 'y'}", []any{map[string]any{"a": int64(1), "2": "x", "1.5": "y"}}},
		{"{[1] = 'a', [3] = 'c'}", []any{map[string]any{"1": "a", "3": "c"}}},
		{"x = 7", []any{}},
		{"local t = {} return t, 2", []any{map[string]any{}, int64(2)}},
	}
	for _, c := range cases {
		got, err := vm.Eval(t.Context(), c.src)
		require.NoError(t, err, c.src)
		assert.Equal(t, c.want, got, c.src)
	}
	got, err := vm.Eval(t.Context(), "x")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(7)}, got, "globals persist between calls")
}

func inf() float64 { var zero float64; return 1 / zero }

func TestEvalCycle(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	_, err := vm.Eval(t.Context(), "local t = {} t.self = t return t")
	require.ErrorIs(t, err, errCycle)
	// The error says where the cycle is, and in which value.
	assert.EqualError(t, err, "flyscript: Eval: at .self: a table that contains itself (a cycle) has no Go value")
	_, err = vm.Eval(t.Context(), `(function() local t = {n = {1, {["a b"] = {}}}} t.n[2]["a b"][true] = t.n return 1, t end)()`)
	assert.EqualError(t, err, `flyscript: Eval: value 2: at .n[2]["a b"][true]: a table that contains itself (a cycle) has no Go value`)
	// A table seen twice but not inside itself converts.
	got, err := vm.Eval(t.Context(), "(function() local t = {} return {t, t} end)()")
	require.NoError(t, err)
	assert.Equal(t, []any{[]any{map[string]any{}, map[string]any{}}}, got)
}

func TestEvalFunctionsStayLua(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	got, err := vm.Eval(t.Context(), "print")
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.IsType(t, &lua.LFunction{}, got[0])
}

type deployer struct {
	Region  string
	Deploys []string
}

func (d *deployer) Deploy(image string) string {
	d.Deploys = append(d.Deploys, image)
	return d.Region + ":" + image
}

func TestExpose(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	d := &deployer{Region: "ord"}
	require.NoError(t, vm.Expose("deployer", d))
	require.NoError(t, vm.Expose("double", func(n int) int { return 2 * n }))
	require.NoError(t, vm.Expose("raw", lua.LString("as is")))
	require.NoError(t, vm.RunSource(t.Context(), "x.lua", []byte(`print(deployer:Deploy("nginx"), deployer.Region, double(21), raw)`)))
	assert.Equal(t, "ord:nginx\tord\t42\tas is\n", out.String())
	assert.Equal(t, []string{"nginx"}, d.Deploys)
	got, err := vm.Eval(t.Context(), "deployer")
	require.NoError(t, err)
	assert.Same(t, d, got[0])
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src      string
		want     int
		exited   bool
		printed  string
		errorNil bool
	}{
		{"print('a') os.exit(3) print('b')", 3, true, "a\n", false},
		{"os.exit(0)", 0, true, "", true},
		{"os.exit()", 0, true, "", true},
		{"os.exit(true)", 0, true, "", true},
		{"os.exit(false)", 1, true, "", false},
		{"pcall(os.exit, 4) print('swallowed')", 4, true, "", false},
		{"print(pcall(function() os.exit(5) end)) print('after')", 5, true, "", false},
		{"print(coroutine.resume(coroutine.create(function() os.exit(6) end))) print('after')", 6, true, "", false},
		{"print('done')", 0, false, "done\n", true},
	}
	for _, c := range cases {
		vm, out, _ := newVM(t)
		err := vm.RunSource(t.Context(), "exit.lua", []byte(c.src))
		code, exited := vm.Exited()
		assert.Equal(t, c.exited, exited, c.src)
		assert.Equal(t, c.want, ExitCode(err), c.src)
		if c.exited {
			assert.Equal(t, c.want, code, c.src)
		}
		assert.Equal(t, c.errorNil, err == nil, c.src)
		if !c.errorNil {
			var ee *ExitError
			require.ErrorAs(t, err, &ee, c.src)
			assert.Equal(t, c.want, ee.Code)
		}
		assert.Equal(t, c.printed, out.String(), c.src)
		// The VM is still usable after os.exit.
		vals, err := vm.Eval(t.Context(), "40 + 2")
		require.NoError(t, err)
		assert.Equal(t, []any{int64(42)}, vals)
		_, exited = vm.Exited()
		assert.False(t, exited)
	}
}

func TestContextCancelStopsEndlessLoop(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := vm.RunSource(ctx, "loop.lua", []byte("while true do end"))
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
	// The VM keeps working with a live context.
	vals, err := vm.Eval(t.Context(), "'alive'")
	require.NoError(t, err)
	assert.Equal(t, []any{"alive"}, vals)
}

func TestBusyAndClosed(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	require.NoError(t, vm.Expose("reenter", func() string {
		_, err := vm.Eval(context.Background(), "1")
		return err.Error()
	}))
	vals, err := vm.Eval(t.Context(), "reenter()")
	require.NoError(t, err)
	assert.Equal(t, []any{ErrBusy.Error()}, vals)
	_, err = vm.Call(t.Context(), nil)
	require.EqualError(t, err, "flyscript: Call: the function is nil")
	vm.Close()
	vm.Close()
	_, err = vm.Eval(t.Context(), "1")
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, vm.Run(t.Context(), "x.lua"), ErrClosed)
	assert.ErrorIs(t, vm.Expose("x", 1), ErrClosed)
}

func TestIORedirected(t *testing.T) {
	t.Parallel()
	vm, out, errOut := newVM(t, WithStdin(strings.NewReader("first line\nsecond\n42 rest\n")))
	src := `
io.write("a", 1, "\n")
io.stdout:write("b\n"):write("c\n")
io.stderr:write("to stderr\n")
print(tostring(io.stdout), io.output() == io.stdout)
print(io.read())
for line in io.lines() do print("line:", line) break end
print(io.read("*n"), io.read("*l"), io.read("*a") == "", io.read())
`
	require.NoError(t, vm.RunSource(t.Context(), "io.lua", []byte(src)))
	assert.Equal(t, "a1\nb\nc\nfile (stdout)\ttrue\nfirst line\nline:\tsecond\n42\t rest\ttrue\tnil\n", out.String())
	assert.Equal(t, "to stderr\n", errOut.String())
}

func TestIOFilesStillWork(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	p := filepath.Join(t.TempDir(), "f.txt")
	require.NoError(t, vm.Expose("path", p))
	src := `
local f = assert(io.open(path, "w")) f:write("hello") f:close()
io.output(path) io.write("via output") io.close()
io.output(io.stdout)
for l in io.lines(path) do print(l) end
`
	require.NoError(t, vm.RunSource(t.Context(), "files.lua", []byte(src)))
	assert.Equal(t, "via output\n", out.String())
}

func TestGetenv(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t, WithEnv([]string{"A=1", "B=two", "A=3"}))
	vals, err := vm.Eval(t.Context(), "os.getenv('A'), os.getenv('B'), os.getenv('NOPE')")
	require.NoError(t, err)
	assert.Equal(t, []any{"3", "two", nil}, vals)

	vm2, _, _ := newVM(t, WithGetenv(func(name string) (string, bool) { return "v-" + name, true }))
	vals, err = vm2.Eval(t.Context(), "os.getenv('X')")
	require.NoError(t, err)
	assert.Equal(t, []any{"v-X"}, vals)
}

func TestExitCodeHelper(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 0, ExitCode(nil))
	assert.Equal(t, 7, ExitCode(&ExitError{Code: 7}))
	assert.Equal(t, 1, ExitCode(errors.New("x")))
	assert.Equal(t, "exit status 7", (&ExitError{Code: 7}).Error())
}

func TestPanicInGoFunctionIsAScriptError(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	require.NoError(t, vm.Expose("explode", func() { panic("binding bug") }))
	err := vm.RunSource(t.Context(), "panic.lua", []byte("local x = 1\nexplode()"))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	// Where it happened, as for an error raised by Go (it was "binding bug").
	assert.Equal(t, "panic.lua:2: binding bug", se.Message)
	assert.Equal(t, 2, se.Line)
	vals, err := vm.Eval(t.Context(), "'still running'")
	require.NoError(t, err)
	assert.Equal(t, []any{"still running"}, vals)
}

func TestPackagePathOption(t *testing.T) {
	t.Parallel()
	lib := t.TempDir()
	writeFile(t, lib, "shared.lua", "return 'from the shared folder'")
	vm, out, _ := newVM(t, WithPackagePath(lib))
	require.NoError(t, vm.RunSource(t.Context(), "main.lua", []byte("print(require('shared'))")))
	assert.Equal(t, "from the shared folder\n", out.String())
}

func TestTracebackShowsTailCalls(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	src := "local function inner() error('deep') end\nlocal function outer() return inner() end\nouter()\n"
	err := vm.RunSource(t.Context(), "tail.lua", []byte(src))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "stack traceback:\n\t[G]: in function 'error'\n\ttail.lua:1: in function <tail.lua:1>\n\t(tail call): ?\n\ttail.lua:3: in main chunk", se.Traceback)
}

func TestWhereSkipsEmbeddedModules(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	// assert.lua is embedded: the innermost Lua frame is in it, Where is
	// the script's line that called it.
	err := vm.RunSource(t.Context(), "check.lua", []byte("local t = require('assert')\n\nt.equal(1, 2)\n"))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "check.lua:3", se.Where)
	// The library's own frames at the top are left out of the traceback.
	assert.Equal(t, "stack traceback:\n\tcheck.lua:3: in main chunk", se.Traceback)
	// A tail call leaves no frame of the script: no line of the embedded
	// modules stands in for it (it read "lua/fly/tasks.lua:25: ...").
	err = vm.RunSource(t.Context(), "tail.lua", []byte("local x = 1\nreturn fly.apps.list()\n"))
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "fly.apps.list: no API client: the program running this script created its VM without one", se.Message)
	assert.Empty(t, se.Where)
	assert.True(t, flylua.IsChunk("lua/assert.lua"))
	assert.False(t, flylua.IsChunk("lua/mine.lua"))
	assert.False(t, flylua.IsChunk("assert.lua"))
}

// Filling the call stack is a script error with the script's line, in the
// main chunk, under pcall and in a coroutine; the host and the VM go on.
func TestStackOverflowIsAScriptError(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	err := vm.RunSource(t.Context(), "deep.lua", []byte(`local function g() return 1 + g() end
print(pcall(g))
print(coroutine.resume(coroutine.create(g)))
g()
`))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "deep.lua:1: stack overflow", se.Message)
	assert.Equal(t, "false\tdeep.lua:1: stack overflow\nfalse\tdeep.lua:1: stack overflow\n", out.String())
	vals, err := vm.Eval(t.Context(), "1 + 1")
	require.NoError(t, err)
	assert.Equal(t, []any{int64(2)}, vals)
}

func TestReturned(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	require.NoError(t, vm.RunSource(t.Context(), "r.lua", []byte(`return 1, "two", {3}`)))
	got := vm.Returned()
	require.Len(t, got, 3)
	assert.Equal(t, lua.LNumber(1), got[0])
	assert.Equal(t, lua.LString("two"), got[1])
	require.NoError(t, vm.RunSource(t.Context(), "r.lua", []byte(`local x = 1`)))
	assert.Empty(t, vm.Returned(), "nothing returned")
	require.Error(t, vm.RunSource(t.Context(), "r.lua", []byte(`error("x")`)))
	assert.Nil(t, vm.Returned(), "a failed run returns nothing")
	p := writeFile(t, t.TempDir(), "s.lua", "return ...")
	require.NoError(t, vm.Run(t.Context(), p, "a", "b"))
	assert.Equal(t, []lua.LValue{lua.LString("a"), lua.LString("b")}, vm.Returned())
}

// TestInspectNamesFlyFunctions: inspect shows a fly function by its name,
// not by the line of the embedded wrapper around it.
func TestInspectNamesFlyFunctions(t *testing.T) {
	vm, _, _ := newVM(t)
	got, err := vm.Eval(t.Context(), `inspect({ fly.machines.list })`)
	require.NoError(t, err)
	assert.Equal(t, []any{"{ <function fly.machines.list> }"}, got)
}

// A nil writer is the default (nothing written), never the process's
// stdout or stderr (print and log wrote there, io.write did not).
func TestNilWritersWriteNowhere(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	require.NoError(t, err)
	defer f.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = f, f
	vm, err := New(WithStdout(nil), WithStderr(nil))
	os.Stdout, os.Stderr = stdout, stderr
	require.NoError(t, err)
	defer vm.Close()
	require.NoError(t, vm.RunSource(t.Context(), "w.lua", []byte(`print("to stdout") log.warn("to stderr") io.write("x") io.stderr:write("y")`)))
	b, err := os.ReadFile(f.Name())
	require.NoError(t, err)
	assert.Empty(t, string(b))
}

// Call runs a function compiled on the VM's state; a nil function is an
// error naming it, not "attempt to call a non-function object".
func TestCallRunsAFunctionAndRefusesNil(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	fn, err := vm.LState().LoadString(`return 1 + ...`)
	require.NoError(t, err)
	vals, err := vm.Call(t.Context(), fn, lua.LNumber(2))
	require.NoError(t, err)
	assert.Equal(t, []lua.LValue{lua.LNumber(3)}, vals)

	_, err = vm.Call(t.Context(), nil)
	require.EqualError(t, err, "flyscript: Call: the function is nil")
}

// An option New cannot apply is refused naming it (the log level's error
// did not say which option or function it came from).
func TestBadOptionsAreNamed(t *testing.T) {
	_, err := New(WithLogLevel("verbose"))
	require.EqualError(t, err, `flyscript: WithLogLevel("verbose"): unknown log level "verbose" (want debug, info, warn, error or off)`)
	_, err = New(WithMemoryLimit(-5), WithLogLevel("nope"))
	require.ErrorContains(t, err, "WithMemoryLimit(-5)", "the first wins")
	vm, err := New(WithLogLevel("WARN"))
	require.NoError(t, err)
	vm.Close()
}
