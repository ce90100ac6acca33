package bindings

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	flylua "github.com/flyscript/flyscript/lua"
)

// Error codes raised by the bindings themselves.
const (
	codeInvalidArgument = "invalid_argument"
	codeInternal        = "internal"
	// codeTaskFailed is fly.parallel's code when its first failed item's
	// error is not a fly error.
	codeTaskFailed = "task_failed"
)

// noAppMessage is the contract's message when an app-scoped function has no app.
const noAppMessage = `no app selected (hint: pass --app, set FLY_APP_NAME or call fly.use("name"))`

const noAppHint = `pass --app, set FLY_APP_NAME or call fly.use("name")`

// Error is the Go form of a fly error value, for hosts that catch one
// (errors.As on a *lua.ApiError's Object with AsError).
type Error struct {
	// Op is the Lua function, "fly.machines.start".
	Op string
	// Status is the HTTP status, 0 when no response came.
	Status int
	// Code is the API's status field or a derived code (not_found, timeout,
	// canceled, network, invalid_argument, rate_limited, conflict, ...).
	Code string
	// Message is the API's message, or ours.
	Message string
	// RequestID is the fly-request-id response header, when there was one.
	RequestID string
	// Hint says what to do about it, when known.
	Hint string
	// Retryable reports whether retrying the same call can help.
	Retryable bool
}

// Error reads like the Lua value's __tostring:
// "fly.machines.start: 412 failed_precondition: machine getting replaced,
// refusing to start (request 01J...)".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.Status != 0 {
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteByte(' ')
	}
	showCode := e.Code != "" && !(e.Status == 0 && (e.Code == codeInvalidArgument || e.Code == codeTaskFailed))
	if showCode {
		b.WriteString(e.Code)
	}
	if e.Message != "" && e.Message != e.Code {
		if showCode {
			b.WriteString(": ")
		}
		b.WriteString(e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// fromGoError builds the error value's fields from a failed call.
func fromGoError(op string, err error) *Error {
	var ce *client.Error
	if errors.As(err, &ce) {
		return &Error{
			Op:        op,
			Status:    ce.StatusCode,
			Code:      ce.Code,
			Message:   ce.Message,
			RequestID: ce.RequestID,
			Hint:      ce.Hint(),
			Retryable: ce.Retryable(),
		}
	}
	var fe *Error
	if errors.As(err, &fe) {
		c := *fe
		if c.Op == "" {
			c.Op = op
		}
		return &c
	}
	var field *fieldError
	if errors.As(err, &field) {
		return &Error{Op: op, Code: codeInvalidArgument, Message: field.Error()}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Error{Op: op, Code: client.CodeCanceled, Message: "canceled"}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Op: op, Code: client.CodeTimeout, Message: "deadline exceeded"}
	}
	return &Error{Op: op, Code: codeInternal, Message: err.Error()}
}

// errorValue turns e into the Lua error table: fields op, status, code,
// message, request_id, hint, retryable and the shared metatable with
// __tostring.
func (f *Fly) errorValue(e *Error) *lua.LTable {
	t := f.vm.CreateTable(0, 8)
	t.RawSetString("op", lua.LString(e.Op))
	if e.Status != 0 {
		t.RawSetString("status", lua.LNumber(e.Status))
	}
	t.RawSetString("code", lua.LString(e.Code))
	t.RawSetString("message", lua.LString(e.Message))
	if e.RequestID != "" {
		t.RawSetString("request_id", lua.LString(e.RequestID))
	}
	if e.Hint != "" {
		t.RawSetString("hint", lua.LString(e.Hint))
	}
	t.RawSetString("retryable", lua.LBool(e.Retryable))
	t.Metatable = f.errMeta
	return t
}

// newErrorMeta builds the metatable shared by this VM's error values.
func (f *Fly) newErrorMeta() *lua.LTable {
	mt := f.vm.NewTable()
	mt.RawSetString("__name", lua.LString("fly.error"))
	mt.RawSetString("__tostring", f.vm.NewFunction(func(L *lua.LState) int {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			L.Push(lua.LString("fly error"))
			return 1
		}
		L.Push(lua.LString(AsError(t).Error()))
		return 1
	}))
	return mt
}

// AsError reads a Lua error value (a table with op, status, code, ...) back
// into an *Error; it returns nil when v is not one. Hosts use it to print or
// classify a script's failure.
func AsError(v lua.LValue) *Error {
	t, ok := v.(*lua.LTable)
	if !ok {
		return nil
	}
	code, ok := t.RawGetString("code").(lua.LString)
	if !ok {
		return nil
	}
	e := &Error{Code: string(code)}
	if s, ok := t.RawGetString("op").(lua.LString); ok {
		e.Op = string(s)
	}
	if n, ok := t.RawGetString("status").(lua.LNumber); ok {
		e.Status = int(n)
	}
	if s, ok := t.RawGetString("message").(lua.LString); ok {
		e.Message = string(s)
	}
	if s, ok := t.RawGetString("request_id").(lua.LString); ok {
		e.RequestID = string(s)
	}
	if s, ok := t.RawGetString("hint").(lua.LString); ok {
		e.Hint = string(s)
	}
	e.Retryable = lua.LVAsBool(t.RawGetString("retryable"))
	return e
}

// raise raises err as a fly error value from the function op; pcall returns
// the table.
func (f *Fly) raise(L *lua.LState, op string, err error) {
	L.Error(f.errorValue(fromGoError(op, err)), 0)
}

// raiseInvalid raises an invalid_argument error value with message msg.
func (f *Fly) raiseInvalid(L *lua.LState, op, msg string) {
	f.raise(L, op, &Error{Op: op, Code: codeInvalidArgument, Message: msg})
}

// argError raises Lua's usual argument error:
// bad argument #1 to 'fly.machines.get' (string expected, got nil).
func argError(L *lua.LState, n int, fn, msg string) {
	L.Error(lua.LString(callerWhere(L)+fmt.Sprintf("bad argument #%d to '%s' (%s)", n, fn, msg)), 0)
}

// callerWhere is the position of the Lua code that called the running Go
// function, past the wrapper of tasks.lua: "script.lua:3: ".
func callerWhere(L *lua.LState) string {
	for level := 1; level <= 3; level++ {
		w := L.Where(level)
		if w == "" || strings.HasPrefix(w, "[G]") || strings.HasPrefix(w, flylua.ChunkName("fly/tasks.lua")) {
			continue
		}
		return w + " "
	}
	return ""
}

// typeError is argError for a value of the wrong type.
func typeError(L *lua.LState, n int, fn, want string, got lua.LValue) {
	argError(L, n, fn, want+" expected, got "+luaTypeName(got))
}
