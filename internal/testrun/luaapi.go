package testrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/sim"
	"github.com/flyscript/flyscript/stdlib"
)

// testCase is one test(name, fn) of a file.
type testCase struct {
	name string
	fn   *lua.LFunction
	line int // where test() was called
}

// install sets the globals of a test file: test, sim and run.
func (f *fileRun) install() {
	L := f.vm.LState()
	L.SetGlobal("test", L.NewFunction(f.luaTest))
	mod := L.NewTable()
	for name, fn := range map[string]lua.LGFunction{
		"advance":  f.simAdvance,
		"now":      f.simNow,
		"fail":     f.simFail,
		"requests": f.simRequests,
		"load":     f.simLoad,
		"save":     f.simSave,
		"options":  f.simOptions,
	} {
		mod.RawSetString(name, L.NewFunction(fn))
	}
	L.SetGlobal("sim", mod)
	L.SetGlobal("run", L.NewFunction(f.luaRun))
	if orig, ok := L.GetGlobal("assert").(*lua.LFunction); ok {
		L.SetGlobal("assert", L.NewFunction(func(L *lua.LState) int {
			if !lua.LVAsBool(L.Get(1)) {
				f.asserted = lua.LVAsString(L.Get(2))
				if L.Get(2) == lua.LNil {
					f.asserted = "assertion failed!"
				}
			}
			top := L.GetTop()
			L.Insert(orig, 1)
			L.Call(top, lua.MultRet)
			return L.GetTop()
		}))
	}
}

// test(name, fn) registers a test; only the file's top level may call it.
func (f *fileRun) luaTest(L *lua.LState) int {
	name := L.CheckString(1)
	fn := L.CheckFunction(2)
	if f.current != nil {
		L.RaiseError("test(%q): tests are registered at the top level of the file, not inside test %q", name, f.current.name)
	}
	if strings.TrimSpace(name) == "" {
		L.ArgError(1, "a test needs a name")
	}
	for _, t := range f.tests {
		if t.name == name {
			L.RaiseError("test(%q): a test of that name is already registered at line %d", name, t.line)
		}
	}
	line := 0
	if dbg, ok := L.GetStack(1); ok {
		if _, err := L.GetInfo("l", dbg, lua.LNil); err == nil {
			line = dbg.CurrentLine
		}
	}
	f.tests = append(f.tests, &testCase{name: name, fn: fn, line: line})
	return 0
}

// sim.advance(d) -> now: moves the simulator's clock forward by d (seconds
// or a duration string) and returns the new time.now().
func (f *fileRun) simAdvance(L *lua.LState) int {
	d, err := stdlib.Duration(L, L.Get(1))
	if err != nil {
		L.RaiseError("sim.advance: %s", err.Error())
	}
	if err := f.world.server().Control().Advance(d); err != nil {
		L.RaiseError("sim.advance: %s", strings.TrimPrefix(err.Error(), "sim: "))
	}
	return f.simNow(L)
}

// sim.now() -> seconds since the epoch on the simulator's clock.
func (f *fileRun) simNow(L *lua.LState) int {
	L.Push(lua.LNumber(float64(f.world.clock.Now().UnixNano()) / 1e9))
	return 1
}

var failKeys = []string{"delay", "machine", "op", "reset", "status", "times"}

// sim.fail{op=, status=, times=, machine=, reset=, delay=}
func (f *fileRun) simFail(L *lua.LState) int {
	const name = "sim.fail"
	t := L.CheckTable(1)
	var fl sim.Failure
	var bad error
	t.ForEach(func(k, v lua.LValue) {
		if bad != nil {
			return
		}
		key, ok := k.(lua.LString)
		if !ok {
			bad = fmt.Errorf("unexpected key %s (want %s)", k.String(), strings.Join(failKeys, ", "))
			return
		}
		switch string(key) {
		case "op":
			fl.Op, bad = wantString(key, v)
		case "machine":
			if mt, ok := v.(*lua.LTable); ok { // a machine record
				v = mt.RawGetString("id")
			}
			fl.Machine, bad = wantString(key, v)
		case "status":
			fl.Status, bad = wantInt(key, v)
		case "times":
			fl.Times, bad = wantInt(key, v)
		case "reset":
			b, ok := v.(lua.LBool)
			if !ok {
				bad = fmt.Errorf("reset: expected boolean, got %s", v.Type())
			}
			fl.Reset = bool(b)
		case "delay":
			fl.Delay, bad = stdlib.Duration(L, v)
			if bad != nil {
				bad = fmt.Errorf("delay: %w", bad)
			}
		default:
			bad = fmt.Errorf("unknown key %q (want %s)", string(key), strings.Join(failKeys, ", "))
		}
	})
	if bad == nil {
		bad = f.world.server().Control().Fail(fl)
	}
	if bad != nil {
		L.RaiseError("%s: %s", name, strings.TrimPrefix(strings.TrimPrefix(bad.Error(), "sim: "), "fail: "))
	}
	return 0
}

func wantString(key lua.LString, v lua.LValue) (string, error) {
	s, ok := v.(lua.LString)
	if !ok {
		return "", fmt.Errorf("%s: expected string, got %s", key, v.Type())
	}
	return string(s), nil
}

func wantInt(key lua.LString, v lua.LValue) (int, error) {
	n, ok := v.(lua.LNumber)
	if !ok || float64(n) != float64(int(n)) {
		return 0, fmt.Errorf("%s: expected an integer, got %s", key, v.String())
	}
	return int(n), nil
}

// sim.requests(op?) -> list of {op, method, path, query, status, body}: the
// requests answered in this test, oldest first, only those of operation op
// when given. body is the decoded JSON body (a string when it is not JSON,
// nil when there was none).
func (f *fileRun) simRequests(L *lua.LState) int {
	only := L.OptString(1, "")
	out := L.NewTable()
	for _, r := range f.world.requests() {
		if only != "" && r.Op != only {
			continue
		}
		t := L.NewTable()
		t.RawSetString("op", lua.LString(r.Op))
		t.RawSetString("method", lua.LString(r.Method))
		t.RawSetString("path", lua.LString(r.Path))
		if r.Query != "" {
			t.RawSetString("query", lua.LString(r.Query))
		}
		t.RawSetString("status", lua.LNumber(r.Status))
		t.RawSetString("time", lua.LNumber(float64(r.Time.UnixNano())/1e9))
		if len(bytes.TrimSpace(r.Body)) > 0 {
			if v, err := stdlib.FromJSON(L, r.Body); err == nil {
				t.RawSetString("body", v)
			} else {
				t.RawSetString("body", lua.LString(r.Body))
			}
		}
		out.Append(t)
	}
	L.Push(out)
	return 1
}

// sim.load(file): the simulator's state becomes the state file's (the
// format of --state and sim.save); the file is not modified.
func (f *fileRun) simLoad(L *lua.LState) int {
	if err := f.world.load(f.resolve(L.CheckString(1))); err != nil {
		L.RaiseError("sim.load: %s", err.Error())
	}
	return 0
}

// sim.save(file): writes the simulator's state, for sim.load or --state.
func (f *fileRun) simSave(L *lua.LState) int {
	if err := f.world.save(f.resolve(L.CheckString(1))); err != nil {
		L.RaiseError("sim.save: %s", strings.TrimPrefix(err.Error(), "sim: "))
	}
	return 0
}

// sim.options{rate_limits = bool, timings = "instant" | "real"}: rebuilds
// the simulator with these options, keeping its state.
func (f *fileRun) simOptions(L *lua.LState) int {
	t := L.CheckTable(1)
	o := f.world.opts
	var bad error
	t.ForEach(func(k, v lua.LValue) {
		if bad != nil {
			return
		}
		switch k.String() {
		case "rate_limits":
			b, ok := v.(lua.LBool)
			if !ok {
				bad = fmt.Errorf("rate_limits: expected boolean, got %s", v.Type())
			}
			o.rateLimits = bool(b)
		case "timings":
			switch v.String() {
			case "real":
				o.realTimes = true
			case "instant":
				o.realTimes = false
			default:
				bad = fmt.Errorf("timings: want \"instant\" or \"real\", got %s", v.String())
			}
		default:
			bad = fmt.Errorf("unknown option %q (want rate_limits, timings)", k.String())
		}
	})
	if bad == nil {
		bad = f.world.setOptions(o)
	}
	if bad != nil {
		L.RaiseError("sim.options: %s", bad.Error())
	}
	return 0
}

// resolve makes a path relative to the test file's folder.
func (f *fileRun) resolve(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(f.path), p)
}

// run(path, args..., opts?) -> {ok, exit, stdout, stderr, error}: runs a
// script as `flyscript path args...` would, in a fresh VM against this
// test's simulator and clock. The path is relative to the test file's
// folder. opts (a last table argument) may give app (the --app of the
// run), env (a table of variables; default: the environment of flyscript
// test) and stdin (a string).
func (f *fileRun) luaRun(L *lua.LState) int {
	path := f.resolve(L.CheckString(1))
	var args []string
	app, stdin := "", ""
	env := f.env
	top := L.GetTop()
	if opts, ok := L.Get(top).(*lua.LTable); ok && top > 1 {
		top--
		var bad error
		opts.ForEach(func(k, v lua.LValue) {
			switch k.String() {
			case "app":
				app = v.String()
			case "stdin":
				stdin = v.String()
			case "env":
				et, ok := v.(*lua.LTable)
				if !ok {
					bad = fmt.Errorf("env: expected a table, got %s", v.Type())
					return
				}
				env = append([]string(nil), f.env...)
				keys := []string{}
				et.ForEach(func(k, v lua.LValue) { keys = append(keys, k.String()+"="+v.String()) })
				sort.Strings(keys)
				env = append(env, keys...)
			default:
				bad = fmt.Errorf("unknown option %q (want app, env, stdin)", k.String())
			}
		})
		if bad != nil {
			L.RaiseError("run: %s", bad.Error())
		}
	}
	for i := 2; i <= top; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString, lua.LNumber:
			args = append(args, v.String())
		default:
			L.ArgError(i, "string expected, got "+v.Type().String())
		}
	}
	if app == "" {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "FLY_APP_NAME="); ok {
				app = v
			}
		}
	}
	var stdout, stderr bytes.Buffer
	vm, err := flyscript.New(
		flyscript.WithClient(f.api),
		flyscript.WithVirtualTime(f.world.clock),
		flyscript.WithApp(app),
		flyscript.WithStdout(&stdout),
		flyscript.WithStderr(&stderr),
		flyscript.WithStdin(strings.NewReader(stdin)),
		flyscript.WithEnv(env),
	)
	if err != nil {
		L.RaiseError("run: %s", err.Error())
	}
	defer vm.Close()
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	runErr := vm.Run(ctx, path, args...)
	if ctx.Err() != nil {
		L.RaiseError("run: %s: %v", path, ctx.Err())
	}
	res := L.NewTable()
	code := flyscript.ExitCode(runErr)
	var exit *flyscript.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		// As the CLI prints it.
		var se *flyscript.ScriptError
		msg := runErr.Error()
		if errors.As(runErr, &se) {
			msg = se.Message
		}
		res.RawSetString("error", lua.LString(msg))
		fmt.Fprintf(&stderr, "flyscript: %s\n", msg)
		if se != nil && se.Hint != "" && !strings.Contains(se.Message, se.Hint) {
			fmt.Fprintf(&stderr, "hint: %s\n", se.Hint)
		}
		if se != nil && se.Traceback != "" {
			fmt.Fprintln(&stderr, se.Traceback)
		}
	}
	res.RawSetString("ok", lua.LBool(code == 0))
	res.RawSetString("exit", lua.LNumber(code))
	res.RawSetString("stdout", lua.LString(stdout.String()))
	res.RawSetString("stderr", lua.LString(stderr.String()))
	L.Push(res)
	return 1
}

// elapsed formats a duration of virtual time for reports.
func elapsed(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
