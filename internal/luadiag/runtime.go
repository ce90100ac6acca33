package luadiag

import (
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// Runtime rewrites the error value of a failed protected call in C Lua
// 5.1's words, naming what failed: "attempt to call global 'undefinedfn'
// (a nil value)" for gopher-lua's "attempt to call a non-function object".
// It must be called from the message handler of the protected call (the Go
// function given to PCall), before the stack unwinds, so that level 1 of
// L's stack is the frame that raised the error. Values other than strings,
// and messages it does not recognise, are returned unchanged.
func Runtime(L *lua.LState, msg lua.LValue) lua.LValue {
	s, ok := msg.(lua.LString)
	if !ok {
		return msg
	}
	return lua.LString(RuntimeAt(L, 1, string(s)))
}

// RuntimeAt is Runtime for an error raised at level of L's stack.
func RuntimeAt(L *lua.LState, level int, msg string) string {
	if f, ok := luaFrame(L, level); ok {
		if where := f.where(); where != "" && strings.HasPrefix(msg, where+" ") {
			if reason, ok := f.explain(msg[len(where)+1:]); ok {
				return where + " " + reason
			}
		}
	}
	return reword(msg)
}

// gopher-lua's runtime error messages (compiled on first use).
var (
	reIndex   = lazyre.New(`^attempt to index a non-table object\((\w+)\) with key '(.*)'$`)
	reArith   = lazyre.New(`^cannot perform (\w+) operation between (\w+) and (\w+)$`)
	reConcat  = lazyre.New(`^cannot perform concat operation between (\w+) and (\w+)$`)
	reCompare = lazyre.New(`^attempt to compare (\w+) with (\w+)$`)
)

const msgCall = "attempt to call a non-function object"

// explain names the operand of the failing instruction the reason
// (gopher-lua's message, without location) is about. ok is false when the
// instruction is not one that raises it.
func (f frame) explain(reason string) (string, bool) {
	i := f.inst()
	op := opcode(i)
	switch {
	case reason == msgCall && (op == lua.OP_CALL || op == lua.OP_TAILCALL || op == lua.OP_TFORLOOP):
		r := argA(i)
		if op == lua.OP_TFORLOOP {
			r += 3
		}
		v, ok := f.reg(r)
		if !ok {
			return "", false
		}
		return f.typeError(r, v.Type().String(), "call"), true
	case reIndex().MatchString(reason):
		m := reIndex().FindStringSubmatch(reason)
		var r int
		switch op {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			r = argB(i)
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			r = argA(i)
		default:
			return "", false
		}
		return f.typeError(r, m[1], "index"), true
	case reConcat().MatchString(reason) && op == lua.OP_CONCAT:
		return f.concatError(argB(i), argC(i))
	case reArith().MatchString(reason) && op >= lua.OP_ADD && op <= lua.OP_POW:
		m := reArith().FindStringSubmatch(reason)
		operand, t := argB(i), m[2]
		if t == "number" {
			operand, t = argC(i), m[3]
		}
		if isK(operand) {
			return "attempt to perform arithmetic on a " + t + " value", true
		}
		return f.typeError(operand, t, "perform arithmetic on"), true
	case reason == "__unm undefined" && op == lua.OP_UNM:
		return f.operandError(argB(i), "perform arithmetic on")
	case reason == "__len undefined" && op == lua.OP_LEN:
		return f.operandError(argB(i), "get length of")
	}
	return "", false
}

// operandError is typeError for register r, its type read from the frame.
func (f frame) operandError(r int, op string) (string, bool) {
	v, ok := f.reg(r)
	if !ok {
		return "", false
	}
	return f.typeError(r, v.Type().String(), op), true
}

// typeError is C Lua's luaG_typeerror: "attempt to <op> <kind> '<name>'
// (a <type> value)", or "attempt to <op> a <type> value" when the value
// has no name.
//
// A nil global, field or method gets a hint when one is certain (see hint).
func (f frame) typeError(r int, typ, op string) string {
	kind, name := objName(f.fn, f.pc, r)
	if kind == "" {
		return fmt.Sprintf("attempt to %s a %s value", op, typ)
	}
	msg := fmt.Sprintf("attempt to %s %s '%s' (a %s value)", op, kind, name, typ)
	if typ == "nil" {
		if h := f.hint(r, kind, name); h != "" {
			msg += " (hint: " + h + ")"
		}
	}
	return msg
}

// concatError blames the operand of R(b) .. ... .. R(c) that C Lua's
// luaV_concat stops at: working from the right, the first pair that is not
// two strings or numbers, and of the pair the left operand unless it is a
// string or number. Operands with a __concat metamethod make it give up.
func (f frame) concatError(b, c int) (string, bool) {
	right, ok := f.reg(c)
	if !ok {
		return "", false
	}
	rightReg := c
	for r := c - 1; r >= b; r-- {
		left, ok := f.reg(r)
		if !ok || f.L.GetMetaField(left, "__concat") != lua.LNil || f.L.GetMetaField(right, "__concat") != lua.LNil {
			return "", false
		}
		if !stringy(left) {
			return f.typeError(r, left.Type().String(), "concatenate"), true
		}
		if !stringy(right) {
			return f.typeError(rightReg, right.Type().String(), "concatenate"), true
		}
		right, rightReg = lua.LString(""), -1 // the strings joined so far
	}
	return "", false
}

// stringy reports whether v concatenates: a string or a number.
func stringy(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return true
	}
	return false
}

// reword puts the gopher-lua messages that need no frame in C Lua's words,
// and those it cannot name in C Lua's unnamed form, keeping the location.
func reword(msg string) string {
	loc, reason := splitWhere(msg)
	switch reason {
	case "for statement init must be a number":
		return loc + "'for' initial value must be a number"
	case "for statement limit must be a number":
		return loc + "'for' limit must be a number"
	case "for statement step must be a number":
		return loc + "'for' step must be a number"
	}
	if m := reCompare().FindStringSubmatch(reason); m != nil {
		if m[1] == m[2] {
			return loc + "attempt to compare two " + m[1] + " values"
		}
		return loc + reason
	}
	if m := reIndex().FindStringSubmatch(reason); m != nil {
		return loc + "attempt to index a " + m[1] + " value (key '" + m[2] + "')"
	}
	if m := reConcat().FindStringSubmatch(reason); m != nil {
		t := m[1]
		if t == "string" || t == "number" {
			t = m[2]
		}
		return loc + "attempt to concatenate a " + t + " value"
	}
	if m := reArith().FindStringSubmatch(reason); m != nil {
		t := m[2]
		if t == "number" {
			t = m[3]
		}
		return loc + "attempt to perform arithmetic on a " + t + " value"
	}
	return msg
}

// reWhere is the "source:line: " gopher-lua puts before runtime errors.
var reWhere = lazyre.New(`^([^\n]*?:\d+: )`)

// splitWhere separates a message's location prefix from its text.
func splitWhere(msg string) (loc, reason string) {
	if m := reWhere().FindString(msg); m != "" {
		return m, msg[len(m):]
	}
	return "", msg
}
