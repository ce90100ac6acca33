package lua51

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// PCall calls the function below the nargs arguments on top of L's stack in
// protected mode, as L.PCall does, leaving nret results (all of them with
// lua.MultRet) in its place, or nothing and an error. It is the one
// protected-call entry point of the project: the host's runs, the `fly`
// module's and the scheduler's calls, the REPL, and Lua's pcall and xpcall
// all go through it.
//
// Unlike L.PCall, on an error it closes exactly the upvalues of the frames
// it unwinds (the stack slots at or above the called function), as Lua
// 5.1's luaD_pcall does: gopher-lua closes the upvalues of every frame of
// the state when no handler is given, and none when one is. Every error
// passes through messageHandler, then through handler when it is not nil;
// the error's value is what handler returns. A Go panic inside a Go
// function is an error like any other, and so is a panic escaping
// gopher-lua's PCall when the stack is exhausted.
func PCall(L *lua.LState, nargs, nret int, handler *lua.LFunction) error {
	_, nested := L.GetStack(0)
	return pcall(L, nargs, nret, handler, handler == nil, nested)
}

// pcall is PCall; with trace, the error carries the traceback of the
// failing stack in StackTrace, as gopher-lua's PCall without a handler
// gives (Lua's pcall does not pay for one). nested tells whether L is
// running a function (Lua's pcall and xpcall always are).
//
// The upvalues are closed by the handler, at the point of the error and
// after the handlers ran: once gopher-lua has unwound, the stack slots they
// point to are cleared. When the handler could not run (the stack was
// exhausted), they are closed after the unwinding.
func pcall(L *lua.LState, nargs, nret int, handler *lua.LFunction, trace, nested bool) (err error) {
	mustLayout()
	flag := hasErrorFunc(L)
	saved := *flag
	mark := lastOpen(L)
	call := &protectedCall{mark: mark, handler: handler, trace: trace}
	call.fn = lua.LFunction{IsG: true, Env: L.Env, GFunction: runErrorHandler}
	defer func() {
		*flag = saved
		if r := recover(); r != nil {
			if nested {
				// gopher-lua left its stacks as they were at the failure: only
				// the outermost protected call may go on from there.
				panic(r)
			}
			err = escaped(r)
		}
		if err != nil {
			closeAfter(L, mark)
			var api *lua.ApiError
			if errors.As(err, &api) {
				if trace && api.StackTrace == "" {
					api.StackTrace = call.tb
				}
				if i := strings.Index(api.StackTrace, "stack traceback:"); i > 0 {
					api.StackTrace = api.StackTrace[i:] // without Go's stack
				}
				if s, ok := api.Object.(lua.LString); ok && isOverflow(s) {
					// The handler could not run: the call stack was full.
					api.Object = lua.LString(firstLocation(api.StackTrace) + "stack overflow")
				}
			}
		}
	}()
	return L.PCall(nargs, nret, &call.fn)
}

// protectedCall is one protected call in progress: the message handler
// given to gopher-lua's PCall (fn, first, so that the handler finds its
// call from its own function) and what the handler needs. One allocation
// per call: the handler's function and its state together.
type protectedCall struct {
	fn      lua.LFunction
	mark    *lua.Upvalue   // the upvalues opened after it are the call's
	handler *lua.LFunction // the caller's handler (xpcall's), or nil
	trace   bool           // whether to record the traceback
	tb      string         // the traceback, when recorded
}

// runErrorHandler is the function of every protectedCall's fn: at the
// point of the error it completes the message (messageHandler), records
// the traceback when wanted, runs the caller's handler and closes the
// upvalues opened after the call's mark. Its frames are the layer's own:
// tracebacks leave them out (isLayerFrame).
func runErrorHandler(L *lua.LState) int {
	dbg, _ := L.GetStack(0)
	fv, err := L.GetInfo("f", dbg, lua.LNil)
	fn, ok := fv.(*lua.LFunction)
	if err != nil || !ok || !isLayerFrame(fn) {
		panic("lua51: a message handler runs outside its protected call")
	}
	call := (*protectedCall)(unsafe.Pointer(fn)) // fn is the first field of its protectedCall
	defer closeAfter(L, call.mark)
	messageHandler(L)
	if call.trace {
		call.tb = Traceback(L, 1)
	}
	switch handler := call.handler; {
	case handler == nil:
		return 1
	case handler.IsG:
		return handler.GFunction(L)
	default:
		v := L.Get(1)
		L.SetTop(0)
		L.Push(handler)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
}

// errorHandlerCode is runErrorHandler's code.
var errorHandlerCode uintptr

func init() {
	errorHandlerCode = reflect.ValueOf(runErrorHandler).Pointer()
	luadiag.Hidden = isHidden
}

// isHidden reports whether tracebacks leave fn's frames out: the layer's
// message handlers and its concatenation, which stand for no function of
// C Lua's.
func isHidden(fn *lua.LFunction) bool {
	return isLayerFrame(fn) || fn == concatFunction() || fn == modFunction() || fn == forNumberFunction()
}

// isLayerFrame reports whether fn is one of the layer's message handlers,
// which C Lua has no frame for.
func isLayerFrame(fn *lua.LFunction) bool {
	return fn.IsG && reflect.ValueOf(fn.GFunction).Pointer() == errorHandlerCode
}

// escaped turns a panic that came out of gopher-lua's PCall (the handler
// could not be called because the stack was full) into an error.
func escaped(r any) error {
	msg := fmt.Sprint(r)
	if api, ok := r.(*lua.ApiError); ok && api.Object != nil {
		msg = api.Object.String()
	}
	first, rest, _ := strings.Cut(msg, "\n")
	return &lua.ApiError{Type: lua.ApiErrorPanic, Object: lua.LString(first + " (the Lua stack is exhausted)"), StackTrace: strings.TrimSpace(rest)}
}

// Traceback is the Lua stack from level up (1 is the caller of the running
// Go function), in gopher-lua's "stack traceback:" form.
func Traceback(L *lua.LState, level int) string {
	var b strings.Builder
	b.WriteString("stack traceback:")
	for ; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		fn, err := L.GetInfo("fSln", dbg, lua.LNil)
		if err != nil {
			continue
		}
		if f, ok := fn.(*lua.LFunction); ok && isHidden(f) {
			continue
		}
		b.WriteString("\n\t")
		switch {
		case dbg.What == "G":
			b.WriteString("[G]:")
		default:
			fmt.Fprintf(&b, "%s:%d:", dbg.Source, dbg.CurrentLine)
		}
		switch {
		case dbg.What == "main":
			b.WriteString(" in main chunk")
		case dbg.Name != "" && dbg.Name != "?":
			fmt.Fprintf(&b, " in function '%s'", dbg.Name)
		case dbg.What == "G":
			b.WriteString(" ?")
		default:
			fmt.Fprintf(&b, " in function <%s:%d>", dbg.Source, dbg.LineDefined)
		}
	}
	return b.String()
}

// messageHandler runs at the point of every runtime error, before the stack
// unwinds: every runtime error of the project passes through this one
// function (the place where messages are completed). It returns the error
// value, with gopher-lua's "registry overflow" (the value stack is full)
// made Lua's "stack overflow".
func messageHandler(L *lua.LState) int {
	v := L.Get(1)
	if s, ok := v.(lua.LString); ok {
		if head, found := strings.CutSuffix(string(s), registryOverflow); found {
			v = lua.LString(head + "stack overflow")
		} else {
			v = lua.LString(libraryError(L, string(s)))
		}
	}
	v = luadiag.Runtime(L, v)
	L.SetTop(0)
	L.Push(v)
	return 1
}

// firstLocation is "chunk:line: " of the first Lua frame of a gopher-lua
// traceback, "" when it has none.
func firstLocation(tb string) string {
	for _, line := range strings.Split(tb, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "[G]") || strings.HasPrefix(line, "stack traceback") {
			continue
		}
		if i := strings.Index(line, ": "); i > 0 && strings.Contains(line[:i], ":") {
			return line[:i+2]
		}
	}
	return ""
}

// registryOverflow ends gopher-lua's message when the value stack is full.
const registryOverflow = "registry overflow"

// callstackOverflow is the text of gopher-lua's panic when a growing call
// stack reaches its limit.
const callstackOverflow = "lua callstack overflow"

// Where is "chunk:line: " of the innermost Lua function at or above level
// (1 is the function that called the running Go function), or "" when
// there is none.
func Where(L *lua.LState, level int) string {
	for ; ; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return ""
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			continue
		}
		if dbg.What == "G" || dbg.CurrentLine <= 0 {
			continue
		}
		return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
	}
}

// ErrorValue is the Lua value a failed protected call raised.
func ErrorValue(err error) lua.LValue {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		return api.Object
	}
	return lua.LString(err.Error())
}

// Call calls fn with args in protected mode (see PCall) and returns its
// results, nret of them or all with lua.MultRet. L's stack is as before
// either way.
func Call(L *lua.LState, fn lua.LValue, nret int, handler *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	base := L.GetTop()
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	if err := PCall(L, len(args), nret, handler); err != nil {
		L.SetTop(base)
		return nil, err
	}
	n := L.GetTop() - base
	vals := make([]lua.LValue, n)
	for i := range n {
		vals[i] = L.Get(base + 1 + i)
	}
	L.SetTop(base)
	return vals, nil
}

// Uncatchable is implemented by the Go value of an error userdata that
// Lua's pcall and xpcall must let through (os.exit's): they raise it again
// instead of returning it, and xpcall's handler does not see it.
type Uncatchable interface {
	// Uncatchable marks the type; it is never called.
	Uncatchable()
}

// isUncatchable reports whether v is an error value pcall must not catch.
func isUncatchable(v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return false
	}
	_, ok = ud.Value.(Uncatchable)
	return ok
}

// Pcall is Lua's pcall(f, ...) over PCall.
func Pcall(L *lua.LState) int {
	fn := L.CheckAny(1)
	if fn.Type() != lua.LTFunction && L.GetMetaField(fn, "__call").Type() != lua.LTFunction {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + fn.Type().String() + " value"))
		return 2
	}
	if err := pcall(L, L.GetTop()-1, lua.MultRet, nil, false, true); err != nil {
		return caught(L, err)
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// Xpcall is Lua's xpcall(f, handler) over PCall: the handler runs at
// the point of the error, before the stack unwinds. A handler that is not
// a function makes every error "error in error handling", as in Lua 5.1.
func Xpcall(L *lua.LState) int {
	L.CheckAny(2)
	handler, isFn := L.Get(2).(*lua.LFunction)
	L.SetTop(1)
	guarded := L.NewFunction(func(L *lua.LState) int {
		if isUncatchable(L.Get(1)) {
			return 1
		}
		if !isFn { // C Lua cannot call it either
			L.Push(lua.LString("error in error handling"))
			return 1
		}
		L.Push(handler)
		L.Push(L.Get(1))
		if err := pcall(L, 1, 1, nil, false, true); err != nil {
			L.Push(lua.LString("error in error handling"))
		}
		return 1
	})
	if err := pcall(L, 0, lua.MultRet, guarded, false, true); err != nil {
		return caught(L, err)
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// caught pushes pcall's `false, err`, or raises err again when it must not
// be caught.
func caught(L *lua.LState, err error) int {
	v := ErrorValue(err)
	if isUncatchable(v) {
		L.Error(v, 0)
	}
	L.SetTop(0)
	L.Push(lua.LFalse)
	L.Push(v)
	return 2
}

// Protected pushes fn and args and calls fn in protected mode (see PCall),
// leaving its nret results (all with lua.MultRet) on the stack, as
// L.CallByParam with Protect does.
func Protected(L *lua.LState, fn lua.LValue, nret int, args ...lua.LValue) error {
	L.Push(fn)
	for _, a := range args {
		L.Push(a)
	}
	return PCall(L, len(args), nret, nil)
}
