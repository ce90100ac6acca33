package lua51

import (
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

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
var reArgError = regexp.MustCompile(`^bad argument #(\d+) to ([^'\s]\S*) \((.*)\)$`)

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
	m := reArgError.FindStringSubmatch(reason)
	reworded, isKnown := libraryMessages[reason]
	callerWhere := luadiag.Where(L, 2) // luaL_where(L, 1): the caller's line when the caller is Lua code
	if m == nil && !isKnown && (!located || callerWhere != "") {
		return msg // located as C Lua locates it
	}
	if m == nil && !isWrapped(fn) && !isLibrary(L, fn) {
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
	if rest, found := strings.CutSuffix(what, "got nil"); found {
		if nargs := luadiag.FrameArgs(L, 1); nargs >= 0 && n > nargs {
			what = rest + "got no value"
		}
	}
	kind, name := luadiag.CalledAs(L, 1)
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
