package luadiag

import (
	"reflect"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// frame is a Lua function's activation as the error path sees it: its
// function, the index of the instruction running and the values of its
// registers.
type frame struct {
	L   *lua.LState
	dbg *lua.Debug
	fn  *lua.LFunction
	pc  int // index in fn.Proto.Code of the instruction that raised
}

// luaFrame returns the frame at level of L's stack when it runs a Lua
// function, with the instruction it is at. ok is false for Go functions
// and when the instruction cannot be told.
func luaFrame(L *lua.LState, level int) (f frame, ok bool) {
	dbg, found := L.GetStack(level)
	if !found {
		return f, false
	}
	fnv, err := L.GetInfo("f", dbg, lua.LNil)
	if err != nil {
		return f, false
	}
	fn, isFn := fnv.(*lua.LFunction)
	if !isFn || fn.IsG || fn.Proto == nil {
		return f, false
	}
	next, known := framePC(dbg)
	if !known || next < 1 || next > len(fn.Proto.Code) {
		return f, false
	}
	return frame{L: L, dbg: dbg, fn: fn, pc: next - 1}, true
}

// framePC reads the program counter of the frame behind dbg: the index of
// the instruction after the one running (see FrameField), checked by
// TestFramePCMatchesCurrentLine against CurrentLine.
func framePC(dbg *lua.Debug) (pc int, ok bool) { return FrameField(dbg, "Pc") }

// FrameField reads an int field (Pc, NArgs, TailCall) of the call frame
// behind dbg. gopher-lua v1.1.2 keeps the frame in the unexported field
// Debug.frame (a *callFrame) and offers no accessor; reflection reads it
// without unsafe. The field's presence and type are checked at every use:
// ok is false when the layout differs.
func FrameField(dbg *lua.Debug, name string) (n int, ok bool) {
	v := reflect.ValueOf(dbg).Elem().FieldByName("frame")
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() {
		return 0, false
	}
	f := v.Elem()
	if f.Kind() != reflect.Struct {
		return 0, false
	}
	p := f.FieldByName(name)
	if !p.IsValid() || p.Kind() != reflect.Int {
		return 0, false
	}
	return int(p.Int()), true
}

// inst is the instruction that raised.
func (f frame) inst() uint32 { return f.fn.Proto.Code[f.pc] }

// reg is the value of register r, or ok false when gopher-lua does not
// show it.
func (f frame) reg(r int) (v lua.LValue, ok bool) {
	name, v := f.L.GetLocal(f.dbg, r+1)
	return v, name != ""
}

// where is the "source:line:" prefix gopher-lua gives errors raised at
// this frame's instruction.
func (f frame) where() string {
	p := f.fn.Proto
	if f.pc >= len(p.DbgSourcePositions) {
		return ""
	}
	return p.SourceName + ":" + itoa(p.DbgSourcePositions[f.pc]) + ":"
}

func itoa(n int) string { return strconv.Itoa(n) }

// CalledAs names the function at level of L's stack as C Lua 5.1's
// getfuncname does, from the instruction of its caller that called it:
// kind is "global", "local", "method", "field", "upvalue" or "for
// iterator", and both are "" when the caller is not a Lua function or the
// instruction does not name the function.
func CalledAs(L *lua.LState, level int) (kind, name string) {
	f, ok := luaFrame(L, level+1)
	if !ok {
		return "", ""
	}
	switch i := f.inst(); opcode(i) {
	case lua.OP_CALL, lua.OP_TAILCALL:
		return objName(f.fn, f.pc, argA(i))
	case lua.OP_TFORLOOP:
		return "for iterator", "for iterator"
	}
	return "", ""
}

// FrameArgs is the number of arguments the function at level of L's stack
// was called with, or -1 when it cannot be told.
func FrameArgs(L *lua.LState, level int) int {
	dbg, ok := L.GetStack(level)
	if !ok {
		return -1
	}
	if n, ok := FrameField(dbg, "NArgs"); ok {
		return n
	}
	return -1
}

// CallArgError is C Lua's message for argument i (0-based) of the call the
// Lua function at level of L's stack is making, as if the operation op
// had failed on it: "attempt to <op> local 'x' (a nil value)", with the
// hint of a nil global, field or method when one is certain, or "attempt
// to <op> a <typ> value" when the argument has no name. internal/lua51's
// concatenation, a call that the compiler's `..` became, words its errors
// with it.
func CallArgError(L *lua.LState, level, i int, typ, op string) string {
	if f, ok := luaFrame(L, level); ok {
		switch in := f.inst(); opcode(in) {
		case lua.OP_CALL, lua.OP_TAILCALL:
			return f.typeError(argA(in)+1+i, typ, op)
		}
	}
	return "attempt to " + op + " a " + typ + " value"
}
