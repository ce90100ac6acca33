// Package stdlib holds flyscript's host Lua modules: json, time, log, env,
// crypto (secure random bytes, SHA-256, HMAC), base64 and hex, the global
// inspect, a print that writes to the host's writer and an
// os.exit that ends the script through the host instead of the process.
//
// Open registers everything in one gopher-lua state:
//
//	L := lua.NewState()
//	if err := stdlib.Open(L, stdlib.Config{Stdout: w, Stderr: ew, LogLevel: "info"}); err != nil { ... }
//	err := L.DoString(`os.exit(3)`)
//	if e, ok := stdlib.AsExit(err); ok { code = e.Code }
//
// Every module lives in its own file as a sorted map of functions, each
// registered under its qualified name ("json.decode"), which starts every
// error it raises. The Go conversions behind json (ToJSON, FromJSON, IsNull),
// durations (Duration) and inspect (Inspect) are exported for the bindings,
// the runner and the REPL.
//
// There is no package state: each VM gets its own instance, kept in the VM's
// registry, so VMs may run on different goroutines.
package stdlib

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/editdist"
	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lua51"
)

// Config is what the host gives the modules. The zero value works: output
// goes to the process's stdout and stderr, the level is "info", and the
// environment is read with os.LookupEnv.
type Config struct {
	// Stdout receives print's output. Nil means os.Stdout.
	Stdout io.Writer
	// Stderr receives log lines. Nil means os.Stderr.
	Stderr io.Writer
	// LogLevel is the lowest level log writes: "debug", "info" (the
	// default when empty), "warn", "error" or "off".
	LogLevel string
	// Getenv reads the environment for env.get and env.require. Nil means
	// os.LookupEnv; a sandboxing host passes a function over its own map.
	Getenv func(name string) (string, bool)
	// Redact, when set, is applied to every line written by print and log
	// before it reaches Stdout or Stderr, so that a host can strip secrets.
	Redact func(line string) string
	// Now is the clock of time.now, time.since, time.format and log
	// timestamps. Nil means time.Now.
	Now func() time.Time
	// Sleep is what time.sleep runs. Nil means BlockingSleep. It can also be
	// replaced after Open with SetSleep.
	Sleep SleepFunc
	// Exit, when set, is called with the code when the script calls
	// os.exit, before the ExitError is raised.
	Exit func(code int)
	// Room, when set, is how many bytes are left of the run's memory
	// budget (a negative number: no budget). json.encode and inspect, which
	// build one string of any size, stay within it.
	Room func() int64
	// FuncName, when set, names the host's functions for inspect
	// (InspectOptions.FuncName).
	FuncName func(*lua.LFunction) (string, bool)
}

// registryKey is where a VM's instance lives in its Lua registry.
const registryKey = "flyscript.stdlib"

// instance is the per-VM state of the modules.
type instance struct {
	stdout, stderr io.Writer
	level          logLevel
	getenv         func(string) (string, bool)
	redact         func(string) string
	now            func() time.Time
	sleep          SleepFunc
	exit           func(int)
	room           func() int64
	funcName       func(*lua.LFunction) (string, bool)

	null    *lua.LUserData // json.null
	arrayMT *lua.LTable    // metatable marking tables that encode as JSON arrays
	exitMT  *lua.LTable    // metatable of the os.exit error value
	exited  *ExitError     // set when os.exit was called
}

// get returns L's instance, creating a default one when Open was never
// called (FromJSON and Null work on any state).
func get(L *lua.LState) *instance {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if ud, ok := reg.RawGetString(registryKey).(*lua.LUserData); ok {
		if in, ok := ud.Value.(*instance); ok {
			return in
		}
	}
	in := newInstance(L)
	in.configure(Config{})
	reg.RawSetString(registryKey, &lua.LUserData{Value: in, Metatable: lua.LNil})
	return in
}

func newInstance(L *lua.LState) *instance {
	in := &instance{}
	in.null = &lua.LUserData{Value: jsonNull{}}
	nullMT := L.CreateTable(0, 2)
	nullMT.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("json.null"))
		return 1
	}))
	// A protected metatable: scripts cannot change what null means.
	nullMT.RawSetString("__metatable", lua.LString("json.null"))
	in.null.Metatable = nullMT

	in.arrayMT = L.CreateTable(0, 1)
	in.arrayMT.RawSetString(jsonTypeField, lua.LString("array"))

	in.exitMT = L.CreateTable(0, 2)
	in.exitMT.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		if e, ok := ud.Value.(*ExitError); ok {
			L.Push(lua.LString(e.Error()))
			return 1
		}
		L.Push(lua.LString("os.exit"))
		return 1
	}))
	in.exitMT.RawSetString("__metatable", lua.LString("os.exit"))
	return in
}

func (in *instance) configure(cfg Config) {
	in.stdout, in.stderr = cfg.Stdout, cfg.Stderr
	if in.stdout == nil {
		in.stdout = os.Stdout
	}
	if in.stderr == nil {
		in.stderr = os.Stderr
	}
	in.level, _ = parseLogLevel(cfg.LogLevel)
	in.getenv = cfg.Getenv
	if in.getenv == nil {
		in.getenv = os.LookupEnv
	}
	in.redact = cfg.Redact
	in.now = cfg.Now
	if in.now == nil {
		in.now = time.Now
	}
	in.sleep = cfg.Sleep
	if in.sleep == nil {
		in.sleep = BlockingSleep
	}
	in.exit = cfg.Exit
	in.room = cfg.Room
	in.funcName = cfg.FuncName
}

// Open registers the modules json, time, log, env, crypto, base64 and hex
// (as globals and in package.loaded, so require finds them), the global
// inspect, print writing to cfg.Stdout, and os.exit raising an ExitError. pcall and xpcall are
// replaced by versions that let that error through, so os.exit ends the
// script even inside them, as it ends the process in standard Lua.
//
// Open fails only on a bad cfg.LogLevel. Calling it again on the same state
// applies the new Config.
func Open(L *lua.LState, cfg Config) error {
	if _, err := parseLogLevel(cfg.LogLevel); err != nil {
		return err
	}
	in := get(L)
	in.configure(cfg)

	loaded := L.FindTable(L.Get(lua.RegistryIndex).(*lua.LTable), "_LOADED", 1).(*lua.LTable)
	mods := []struct {
		name  string
		funcs map[string]lua.LGFunction
	}{
		{"base64", in.base64Funcs()},
		{"crypto", in.cryptoFuncs()},
		{"env", in.envFuncs()},
		{"hex", in.hexFuncs()},
		{"json", in.jsonFuncs()},
		{"log", in.logFuncs()},
		{"time", in.timeFuncs()},
	}
	for _, m := range mods {
		tb := L.CreateTable(0, len(m.funcs)+1)
		for _, name := range sortedNames(m.funcs) {
			tb.RawSetString(name, L.NewFunction(m.funcs[name]))
		}
		if m.name == "json" {
			tb.RawSetString("null", in.null)
		}
		L.SetGlobal(m.name, tb)
		loaded.RawSetString(m.name, tb)
	}
	for name, fn := range in.globalFuncs() {
		L.SetGlobal(name, L.NewFunction(fn))
	}

	osTable, ok := L.GetGlobal("os").(*lua.LTable)
	if !ok {
		osTable = L.CreateTable(0, 1)
		L.SetGlobal("os", osTable)
	}
	osTable.RawSetString("exit", L.NewFunction(in.osExit))
	return nil
}

// globalFuncs are the functions Open sets as globals.
func (in *instance) globalFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"inspect": in.inspectFn,
		"pcall":   lua51.Pcall,
		"print":   in.print,
		"xpcall":  lua51.Xpcall,
	}
}

func sortedNames(m map[string]lua.LGFunction) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// write sends one piece of output through the host's redaction.
func (in *instance) write(w io.Writer, s string) {
	if in.redact != nil {
		s = in.redact(s)
	}
	_, _ = io.WriteString(w, s)
}

// print writes its arguments, converted with tostring and separated by tabs,
// as one line to Config.Stdout.
func (in *instance) print(L *lua.LState) int {
	var b strings.Builder
	top := L.GetTop()
	for i := 1; i <= top; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		b.WriteString(lua51.PrintString(L, L.Get(i)))
	}
	b.WriteByte('\n')
	in.write(in.stdout, b.String())
	return 0
}

// ExitError is the error os.exit raises. Hosts find it with AsExit and end
// the script with Code instead of treating it as a failure.
type ExitError struct {
	Code int
}

// Uncatchable makes pcall and xpcall let os.exit through (see
// lua51.Uncatchable).
func (e *ExitError) Uncatchable() {}

// Error reads "os.exit(3)".
func (e *ExitError) Error() string { return fmt.Sprintf("os.exit(%d)", e.Code) }

// osExit implements os.exit([code]): true or nil is 0, false is 1, a
// number is itself.
func (in *instance) osExit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
	case lua.LBool:
		if !v {
			code = 1
		}
	case lua.LNumber:
		code = int(v)
	default:
		argError(L, "os.exit", 1, "number or boolean expected, got "+L.Get(1).Type().String())
	}
	e := &ExitError{Code: code}
	in.exited = e
	if in.exit != nil {
		in.exit(code)
	}
	L.Error(&lua.LUserData{Value: e, Metatable: in.exitMT}, 0)
	return 0
}

// AsExit reports whether err comes from os.exit, and with which code. It
// understands the *lua.ApiError returned by L.PCall, L.DoString and friends
// (whose Object is the raised value) as well as any error wrapping an
// *ExitError.
func AsExit(err error) (*ExitError, bool) {
	if err == nil {
		return nil, false
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e, true
	}
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		if e, ok := exitValue(ae.Object); ok {
			return e, true
		}
	}
	return nil, false
}

// Exited reports whether os.exit was called in L, and with which code. It
// serves hosts whose error handler replaces the raised value (a traceback
// handler passed to L.PCall), where AsExit cannot see it.
func Exited(L *lua.LState) (*ExitError, bool) {
	in := get(L)
	return in.exited, in.exited != nil
}

func exitValue(v lua.LValue) (*ExitError, bool) {
	if ud, ok := v.(*lua.LUserData); ok {
		if e, ok := ud.Value.(*ExitError); ok {
			return e, true
		}
	}
	return nil, false
}

// argError raises "name: bad argument #n (msg)".
func argError(L *lua.LState, name string, n int, msg string) {
	L.RaiseError("%s: bad argument #%d (%s)", name, n, msg)
}

func checkString(L *lua.LState, name string, n int) string {
	v := L.Get(n)
	switch v := v.(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		return v.String()
	}
	argError(L, name, n, "string expected, got "+typeName(v))
	return ""
}

// optTable returns argument n when it is a table, nil when it is nil or
// absent, and raises otherwise.
func optTable(L *lua.LState, name string, n int) *lua.LTable {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return nil
	case *lua.LTable:
		return v
	}
	argError(L, name, n, "table expected, got "+typeName(L.Get(n)))
	return nil
}

// typeName is Lua's type name, with "no value" for absent arguments left to
// callers and json.null named as such.
func typeName(v lua.LValue) string {
	if IsNull(v) {
		return "json.null"
	}
	return v.Type().String()
}

// checkOptions raises on a key of opts that is not in known, naming the
// nearest known key, as the fly bindings do.
func checkOptions(L *lua.LState, name string, n int, opts *lua.LTable, known ...string) {
	if opts == nil {
		return
	}
	if err := lazy.Force(opts); err != nil {
		argError(L, name, n, err.Error())
	}
	opts.ForEach(func(k, _ lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok {
			argError(L, name, n, fmt.Sprintf("unknown option [%s]", k.String()))
		}
		for _, kn := range known {
			if string(ks) == kn {
				return
			}
		}
		msg := fmt.Sprintf("unknown option %q", string(ks))
		if s := nearest(string(ks), known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		L.RaiseError("%s: %s", name, msg)
	})
}

// nearest returns the candidate closest to s by edit distance, or "" when
// none is close enough to be a plausible typo.
func nearest(s string, candidates []string) string {
	return editdist.Nearest(s, candidates, len(s)/2+1)
}

// roomLeft is what is left of the run's memory budget in bytes, or 0 when
// there is no budget.
func (in *instance) roomLeft() int {
	if in.room == nil {
		return 0
	}
	r := in.room()
	switch {
	case r < 0:
		return 0
	case r == 0:
		return 1 // nothing left: any result is too large
	case r > 1<<40: // no practical limit
		return 0
	}
	return int(r)
}

// checkRoom raises a Lua error when fn is about to take size bytes at once
// and the run's budget has less than that left.
func (in *instance) checkRoom(L *lua.LState, fn string, size int) {
	if m := in.roomLeft(); m > 0 && size > m {
		L.RaiseError("%s: the result would take %s, more than the %s left of the run's memory budget", fn, FormatBytes(uint64(size)), FormatBytes(uint64(m)))
	}
}
