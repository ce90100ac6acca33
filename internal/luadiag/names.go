package luadiag

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Fields of gopher-lua's instructions, which use Lua 5.1's layout: the
// opcode in the top 6 bits, A in the next 8, then C and B of 9 bits each
// (or Bx, or the signed sBx, of 18).
func opcode(i uint32) int { return int(i >> 26) }
func argA(i uint32) int   { return int(i>>18) & 0xff }
func argB(i uint32) int   { return int(i & 0x1ff) }
func argC(i uint32) int   { return int(i>>9) & 0x1ff }
func argBx(i uint32) int  { return int(i & 0x3ffff) }
func argSBx(i uint32) int { return argBx(i) - 0x3ffff>>1 }

// bitRK marks an RK operand that is a constant rather than a register.
const bitRK = 1 << 8

func isK(x int) bool { return x&bitRK != 0 }

// writes reports whether instruction i sets register r.
func writes(i uint32, r int) bool {
	a := argA(i)
	switch opcode(i) {
	case lua.OP_MOVE, lua.OP_MOVEN, lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_GETUPVAL,
		lua.OP_GETGLOBAL, lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_NEWTABLE,
		lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW,
		lua.OP_UNM, lua.OP_NOT, lua.OP_LEN, lua.OP_CONCAT, lua.OP_TESTSET,
		lua.OP_CLOSURE, lua.OP_FORPREP:
		return r == a
	case lua.OP_LOADNIL:
		return a <= r && r <= argB(i)
	case lua.OP_SELF:
		return r == a || r == a+1
	case lua.OP_CALL:
		return r >= a && (argC(i) == 0 || r <= a+argC(i)-2)
	case lua.OP_VARARG:
		return r >= a && (argB(i) == 0 || r <= a+argB(i)-2)
	case lua.OP_TFORLOOP:
		return r >= a+2
	case lua.OP_FORLOOP:
		return r == a || r == a+3
	}
	return false
}

// jumpsInto reports whether a jump of p lands in (from, to]: code there
// can be reached other than by running straight from `from`.
func jumpsInto(p *lua.FunctionProto, from, to int) bool {
	for pc, i := range p.Code {
		if pc >= from && pc < to {
			// A jump inside the run (a comparison among a call's
			// arguments) reaches no instruction the run does not: the
			// run is still entered only through from. (C Lua's symbexec
			// follows such jumps.)
			continue
		}
		switch opcode(i) {
		case lua.OP_JMP, lua.OP_FORLOOP, lua.OP_FORPREP:
			if dest := pc + 1 + argSBx(i); dest > from && dest <= to {
				return true
			}
		case lua.OP_LOADBOOL:
			if argC(i) != 0 && pc+2 > from && pc+2 <= to {
				return true
			}
		case lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST, lua.OP_TESTSET, lua.OP_TFORLOOP:
			if pc+2 > from && pc+2 <= to {
				return true
			}
		}
	}
	return false
}

// objName names what register r holds at instruction pc of fn, as C Lua's
// getobjname does: a local variable, or the global, field, method or
// upvalue the instruction that last set it read. kind is "" when the value
// has no name (a constant, the result of an operation or call).
func objName(fn *lua.LFunction, pc, r int) (kind, name string) {
	if n, ok := localName(fn.Proto, r, pc); ok && !strings.HasPrefix(n, "(") {
		return "local", n
	}
	// A local whose name starts with "(" is a temporary no script can name
	// (internal/lua51's rewrites hold a multiple assignment's tables and
	// values in them): it is named by what set it, as C Lua names the
	// registers of the expression it stands for.
	p := fn.Proto
	w := writer(p, pc, r)
	if w < 0 {
		return "", ""
	}
	i := p.Code[w]
	switch opcode(i) {
	case lua.OP_GETGLOBAL:
		if s, ok := constString(p, argBx(i)); ok {
			return "global", s
		}
	case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
		return "field", keyName(p, argC(i))
	case lua.OP_SELF:
		if r == argA(i) {
			return "method", keyName(p, argC(i))
		}
	case lua.OP_GETUPVAL:
		if b := argB(i); b < len(p.DbgUpvalues) {
			return "upvalue", p.DbgUpvalues[b]
		}
	case lua.OP_MOVE:
		if b := argB(i); b < r {
			return objName(fn, w, b)
		}
	}
	return "", ""
}

// writer is the instruction before pc that last set register r, when
// running straight from it is the only way to pc; -1 otherwise.
func writer(p *lua.FunctionProto, pc, r int) int {
	w := pc - 1
	for ; w >= 0 && !writes(p.Code[w], r); w-- {
	}
	if w < 0 || jumpsInto(p, w, pc) {
		return -1
	}
	return w
}

// keyName is the name of a constant string key, "?" for any other key.
func keyName(p *lua.FunctionProto, rk int) string {
	if isK(rk) {
		if s, ok := constString(p, rk&^bitRK); ok {
			return s
		}
	}
	return "?"
}

func constString(p *lua.FunctionProto, k int) (string, bool) {
	if k < 0 || k >= len(p.Constants) {
		return "", false
	}
	s, ok := p.Constants[k].(lua.LString)
	return string(s), ok
}

// localName is the name of the local variable in register r at pc: the
// (r+1)th of the variables active there (StartPc <= pc < EndPc), as in C
// Lua's luaF_getlocalname. (gopher-lua's LFunction.LocalName tests
// StartPc < pc, which misses a variable at the first instruction it is
// active, such as a parameter at pc 0.)
func localName(p *lua.FunctionProto, r, pc int) (string, bool) {
	n := r + 1
	for _, v := range p.DbgLocals {
		if v.StartPc > pc {
			break
		}
		if pc < v.EndPc {
			n--
			if n == 0 {
				return v.Name, true
			}
		}
	}
	return "", false
}
