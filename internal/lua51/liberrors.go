package lua51

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazyre"
	"github.com/flyscript/flyscript/internal/luadiag"
)

// Errors raised by the standard library's Go functions, said as C Lua 5.1
// says them. gopher-lua prefixes a Go function's error with the line of the
// nearest Lua function on the stack and names the function as its call
// site's debug information does ("bad argument #1 to rep", "(anonymous)");
// C Lua's luaL_error locates it at the function's caller only when that
// caller is Lua code, and luaL_argerror names it as the call's instruction
// does ("bad argument #1 to 'rep'", '?' when a Go function such as pcall
// called it; a method call counts self out: "calling 'rep' on bad self").

// isErrorFunction reports whether fn is Lua's error, which places its
// message itself.
func isErrorFunction(fn *lua.LFunction) bool {
	return reflect.ValueOf(fn.GFunction).Pointer() == reflect.ValueOf(luadiag.Error).Pointer()
}

// isLibrary reports whether fn is one of L's standard library functions:
// a Go function of the base library or of a standard library table, as
// they are now (the host wraps some after opening them, as internal/lazy
// does pairs and setmetatable). It is asked only on the error path.
func isLibrary(L *lua.LState, fn *lua.LFunction) bool {
	if isErrorFunction(fn) {
		return false
	}
	in := func(t *lua.LTable) bool {
		found := false
		t.ForEach(func(_, v lua.LValue) { found = found || v == fn })
		return found
	}
	if in(L.G.Global) {
		return true
	}
	for _, name := range []string{"string", "table", "math", "os", "io", "coroutine", "debug"} {
		if t, ok := L.G.Global.RawGetString(name).(*lua.LTable); ok && in(t) {
			return true
		}
	}
	return false
}

// callerLevel is the level of the stack that called the Go function at
// level 1, seen through the host's forwarders: Go functions outside the
// standard library that called the next one (the bounds the host puts
// around coroutine.resume and coroutine.wrap's functions, for one) count
// as the function they forward to.
func callerLevel(L *lua.LState) int {
	level := 2
	for {
		dbg, ok := L.GetStack(level)
		if !ok {
			return level
		}
		fv, err := L.GetInfo("f", dbg, lua.LNil)
		fn, isFn := fv.(*lua.LFunction)
		if err != nil || !isFn || !fn.IsG || isLibrary(L, fn) || isLayerFrame(fn) {
			return level
		}
		level++
	}
}

// isWrapped reports whether fn is a function coroutine.wrap made.
func isWrapped(fn *lua.LFunction) bool {
	f := runtime.FuncForPC(reflect.ValueOf(fn.GFunction).Pointer())
	return f != nil && f.Name() == gopherLua+"wrapaux"
}

// libraryMessages are errors of gopher-lua's library functions (and of
// resuming a wrapped coroutine) in C Lua 5.1's words.
var libraryMessages = map[string]string{
	"can not resume a dead thread":                  "cannot resume dead coroutine",
	"can not resume a running thread":               "cannot resume non-suspended coroutine",
	"cannot change the environment of given object": "'setfenv' cannot change environment of given object",
	"GopherLua does not support the string.dump":    "unable to dump given function",
}

// reArgError is gopher-lua's argument error (ArgError, TypeError) and
// this package's, without location.
var reArgError = lazyre.New(`^bad argument #(\d+) to ([^'\s]\S*) \((.*)\)$`)

// libraryError rewords msg, raised by the Go function at level 1 of L's
// stack, as C Lua 5.1 would have raised it. Messages of other functions
// and of other shapes are returned unchanged.
func libraryError(L *lua.LState, msg string) string {
	dbg, ok := L.GetStack(1)
	if !ok {
		return msg
	}
	fv, err := L.GetInfo("f", dbg, lua.LNil)
	fn, isFn := fv.(*lua.LFunction)
	if err != nil || !isFn || !fn.IsG {
		return msg
	}
	where := Where(L, 1)
	reason, located := strings.CutPrefix(msg, where)
	if !located || where == "" {
		reason, located = msg, false
	}
	m := reArgError().FindStringSubmatch(reason)
	reworded, isKnown := libraryMessages[reason]
	caller := callerLevel(L)
	callerWhere := luadiag.Where(L, caller) // luaL_where(L, 1): the caller's line when the caller is Lua code
	if isWrapped(fn) {
		if isKnown && located {
			return callerWhere + reworded // raised by the wrapper itself
		}
		// The coroutine's error, reworded (see coroutine.resume) and located
		// by the wrapper as C Lua's auxwrap does.
		return callerWhere + CoroutineError(L, msg)
	}
	if m == nil && !isKnown && (!located || callerWhere != "") {
		return msg // located as C Lua locates it
	}
	if m == nil && !isLibrary(L, fn) {
		return msg
	}
	if isKnown {
		reason = reworded
	}
	loc := ""
	if located {
		loc = callerWhere
	}
	if m == nil {
		return loc + reason
	}
	n, _ := strconv.Atoi(m[1])
	what := m[3]
	if what == "file is closed" { // gopher-lua's file methods
		return loc + "attempt to use a closed file"
	}
	if rest, found := strings.CutSuffix(what, "got nil"); found {
		if nargs := luadiag.FrameArgs(L, 1); nargs >= 0 && n > nargs {
			what = rest + "got no value"
		}
	}
	kind, name := luadiag.CalledAs(L, caller-1)
	if kind == "method" {
		n--
		if n == 0 {
			return loc + "calling '" + name + "' on bad self (" + what + ")"
		}
	}
	if name == "" {
		name = "?"
	}
	return loc + "bad argument #" + strconv.Itoa(n) + " to '" + name + "' (" + what + ")"
}

// reLocatedArgError is gopher-lua's argument error with its location.
var reLocatedArgError = lazyre.New(`^([^\n]*?:\d+: )?bad argument #(\d+) to ([^'\s]\S*) \(`)

// CoroutineError rewords the error of a coroutine that died, whose stack
// is gone: gopher-lua's words in C Lua 5.1's where the message alone tells
// them ("attempt to index a nil value (key 'y')"), an argument error's
// function quoted ('?' for gopher-lua's "(anonymous)"). Only what the
// message says can be said: no variable names.
func CoroutineError(L *lua.LState, msg string) string {
	msg = luadiag.RuntimeAt(L, 0, msg) // level 0 is the running Go function: the message alone is reworded
	if m := reLocatedArgError().FindStringSubmatchIndex(msg); m != nil {
		name := msg[m[6]:m[7]]
		if name == "(anonymous)" {
			name = "?"
		}
		msg = msg[:m[6]] + "'" + name + "'" + msg[m[7]:]
	}
	return msg
}
