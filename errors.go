package flyscript

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/internal/luadiag"
	flylua "github.com/flyscript/flyscript/lua"
)

// ErrClosed is returned by the methods of a VM after Close.
var ErrClosed = errors.New("flyscript: VM is closed")

// ErrBusy is returned by a call made while another is running on the same
// VM, from another goroutine or from a Go function the running script
// called: a VM runs one call at a time.
var ErrBusy = errors.New("flyscript: VM is busy: another call is running on it (a VM runs one call at a time)")

// ScriptError is a script's failure: an error raised in Lua (by error(),
// by a `fly` call, by the VM) or a syntax error. Run, RunSource and Eval
// return it.
//
// Error() is Message: the error value through tostring (so the `fly`
// module's error tables print their one-line form, never "table: 0x..."),
// preceded by the file:line it was raised at when the message does not
// already start with one.
type ScriptError struct {
	// Message is the one-line description, location included.
	Message string
	// Where is "file:line" of the innermost Lua code running when the error
	// was raised, or "" when unknown (syntax errors carry theirs in Message).
	Where string
	// File and Line locate the error: the "file:line:" Message starts
	// with (where the error was raised, or for error(msg, 2) the caller's
	// line, or the line of a syntax error), else Where's; "" and 0 when
	// unknown.
	File string
	Line int
	// Hint is the error value's `hint` field when it has one (the `fly`
	// module's errors do when we know what to do about them), or the
	// "(hint: ...)" a message ends with (a misspelt name: "did you mean
	// 'print'?").
	Hint string
	// Traceback is the Lua stack when the error was raised, in the
	// "stack traceback:\n\tfile:line: in function 'name'" form.
	Traceback string
	// Value is the error value converted to Go (see Eval): a string for
	// error("text"), a map[string]any for the `fly` module's errors, whose
	// fields are op, status, code, message, request_id, hint and retryable.
	Value any
	// Syntax is true when the chunk did not compile.
	Syntax bool
	// Err is the Go error behind the failure when there is one:
	// context.Canceled or context.DeadlineExceeded when the context ended
	// the script, a *bindings.Error for an error of the `fly` module, the
	// file error when a script could not be read.
	Err error
}

// Error returns Message.
func (e *ScriptError) Error() string { return e.Message }

// Unwrap returns Err, so errors.Is(err, context.Canceled) tells an
// interrupted script from a failed one.
func (e *ScriptError) Unwrap() error { return e.Err }

// ExitError reports that a script called os.exit with a non-zero code (or
// false). os.exit() and os.exit(0) (or true) end the script with a nil
// error instead; VM.Exited tells them from reaching the end.
type ExitError struct {
	// Code is the exit status the script asked for.
	Code int
}

// Error returns "exit status N".
func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ExitCode maps the error of Run, RunSource or Eval to a process exit
// status, as the flyscript command does: 0 for nil, the code of an
// *ExitError, 1 for any other error.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var exit *ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	return 1
}

// failure is what the message handler records while the stack of the
// failing call is still there.
type failure struct {
	where     string
	traceback string
}

// handleError is the message handler of every protected call: it runs at
// the point of the error, before the stack unwinds, records where it
// happened and the traceback, and passes the error value on unchanged.
func (vm *VM) handleError(L *lua.LState) int {
	v := L.Get(1)
	if vm.fail == nil {
		vm.fail = &failure{where: luaWhere(L), traceback: traceback(L)}
	}
	L.Push(v)
	return 1
}

// luaWhere is "file:line" of the innermost Lua (not Go) frame of the
// script, skipping the message handler itself and the frames of the
// embedded Lua modules (the `fly` module's wrappers in lua/fly/...), so
// that an error raised by a library points at the script's line that
// called it. When only embedded frames run Lua (the script's frame is
// gone: `return fly.apps.get(name)` is a tail call), it is "": a line of
// the embedded modules says nothing to the script's author.
func luaWhere(L *lua.LState) string {
	where := luadiag.Location(L, 1, flylua.IsChunk)
	if i := strings.LastIndexByte(where, ':'); i > 0 && flylua.IsChunk(where[:i]) {
		return ""
	}
	return where
}

// traceback renders the stack above the message handler, without the
// frames of the embedded Lua modules at its top (see luadiag.Traceback).
func traceback(L *lua.LState) string { return luadiag.Traceback(L, 1, flylua.IsChunk) }

// tostring renders an error value as tostring() would, through __tostring,
// without ever failing: a broken __tostring falls back to a description.
//
// Nothing of the script runs once the run's context has ended: the `fly`
// module's errors are rendered in Go, a __tostring of the script runs only
// under the state's live context (so a deadline or Ctrl-C stops it), and
// the `message` field is read raw, never through __index.
func tostring(L *lua.LState, v lua.LValue) (s string) {
	if str, ok := v.(lua.LString); ok {
		return string(str)
	}
	if isFlyError(L, v) {
		if fe := bindings.AsError(v); fe != nil {
			return fe.Error()
		}
	}
	mm := L.GetMetaField(v, "__tostring")
	if ctx := L.Context(); mm != lua.LNil && (ctx == nil || ctx.Err() != nil) {
		if msg, ok := rawMessage(v); ok {
			return msg
		}
		return fmt.Sprintf("(error object is a %s value; its __tostring was not run: the script's time is over)", v.Type())
	}
	if mm == lua.LNil {
		switch v := v.(type) {
		case *lua.LTable:
			if msg, ok := rawMessage(v); ok {
				return msg
			}
			return "(error object is a table value)"
		case *lua.LNilType:
			return "nil"
		}
		return v.String()
	}
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(mm)
	L.Push(v)
	if err := lua51.PCall(L, 1, 1, nil); err != nil {
		return fmt.Sprintf("(error object is a %s value; its __tostring failed)", v.Type())
	}
	if s, ok := L.Get(-1).(lua.LString); ok {
		return string(s)
	}
	return fmt.Sprintf("(error object is a %s value; its __tostring returned no string)", v.Type())
}

// rawMessage is a table's own string field `message`, read without
// metamethods.
func rawMessage(v lua.LValue) (string, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		return "", false
	}
	msg, ok := t.RawGetString("message").(lua.LString)
	return string(msg), ok
}

// locate fills File, Line and (from a message ending in "(hint: ...)")
// Hint from Message and Where.
func (e *ScriptError) locate() {
	if file, line, ok := splitLocation(e.Message); ok {
		e.File, e.Line = file, line
	} else if i := strings.LastIndexByte(e.Where, ':'); i > 0 {
		if n, err := strconv.Atoi(e.Where[i+1:]); err == nil {
			e.File, e.Line = e.Where[:i], n
		}
	}
	if e.Hint == "" && strings.HasSuffix(e.Message, ")") {
		if i := strings.LastIndex(e.Message, " (hint: "); i >= 0 {
			e.Hint = e.Message[i+len(" (hint: ") : len(e.Message)-1]
		}
	}
}

// splitLocation reads the "file:line: " a message starts with.
func splitLocation(msg string) (file string, line int, ok bool) {
	head, _, found := strings.Cut(msg, ": ")
	if !found {
		return "", 0, false
	}
	i := strings.LastIndexByte(head, ':')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(head[i+1:])
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return head[:i], n, true
}

// hasLocation reports whether a message already starts with "file:line:".
func hasLocation(msg, where string) bool {
	if where != "" && strings.HasPrefix(msg, where+":") {
		return true
	}
	head, _, ok := strings.Cut(msg, ": ")
	if !ok {
		return false
	}
	i := strings.LastIndexByte(head, ':')
	if i <= 0 || i == len(head)-1 {
		return false
	}
	for _, c := range head[i+1:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
