package lua51

import (
	"math"
	"strconv"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// The modulo operator. Lua 5.1 defines a % b as a - floor(a/b)*b
// (luai_nummod); gopher-lua's OP_MOD takes Go's math.Mod and corrects its
// sign, which gives other numbers for a fractional or infinite divisor
// (5 % 0.1 is 0 in Lua 5.1, 0.0999... in gopher-lua; 5 % math.huge is
// nan, 5 in gopher-lua; x - x % 0.01, a rounding idiom, differs) and for
// large operands (1e17 % 3). So a % b compiles, as .. does, to a call of
// modFunction (made by a marker constant that linkConcat replaces). The
// call costs about what OP_MOD does, whose math.Mod is slow (BENCHMARKS.md,
// BenchmarkMod).

// modMarker is the placeholder constant of the rewrite (see concatMarker).
var modMarker = sync.OnceValue(func() string { return concatMarker() + " mod" })

// modFunction is the function every rewritten modulo calls.
var modFunction = sync.OnceValue(func() *lua.LFunction {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	return &lua.LFunction{IsG: true, GFunction: luaMod, Env: L.NewTable()}
})

// rewriteMod turns x (a % b, its operands rewritten) into a call of
// modMarker, or into its value when both operands are constants.
func rewriteMod(x *ast.ArithmeticOpExpr) ast.Expr {
	if a, ok := constNumber(x.Lhs); ok {
		if b, ok := constNumber(x.Rhs); ok {
			return foldedMod(x, a, b)
		}
	}
	return modCall(x)
}

// modCall is the call of modMarker that x becomes, on the line rewriteExpr
// has given x (C Lua's, see endLine).
func modCall(x *ast.ArithmeticOpExpr) ast.Expr {
	oneValue(x.Lhs)
	oneValue(x.Rhs)
	line := x.Line()
	fn := &ast.StringExpr{Value: modMarker()}
	fn.SetLine(line)
	fn.SetLastLine(line)
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{x.Lhs, x.Rhs}, AdjustRet: true}
	call.SetLine(line)
	call.SetLastLine(line)
	return call
}

// foldedMod is a % b of two constants, as a constant when it is a number
// a numeral can write (not negative, not nan), else as the call.
func foldedMod(x *ast.ArithmeticOpExpr, a, b float64) ast.Expr {
	r := a - math.Floor(a/b)*b
	if math.IsNaN(r) || r < 0 || math.IsInf(r, 0) || (r == 0 && math.Signbit(r)) {
		return modCall(x)
	}
	n := &ast.NumberExpr{Value: strconv.FormatFloat(r, 'g', -1, 64)}
	n.SetLine(x.Line())
	n.SetLastLine(x.Line())
	return n
}

// constNumber is the value of a numeral (a positive one: the parser keeps
// the minus of -3 apart).
func constNumber(e ast.Expr) (float64, bool) {
	if n, ok := e.(*ast.NumberExpr); ok {
		return ParseNumber(n.Value)
	}
	return 0, false
}

// arithNumber is an arithmetic operand as a number: a number, or a string
// holding one (luaV_tonumber).
func arithNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return ParseNumber(string(x))
	}
	return 0, false
}

// luaMod is a % b, the operands its arguments: Lua 5.1's luai_nummod on
// numbers (and strings holding them), else the __mod metamethod of a or
// b, else C Lua's error naming the operand that is not a number.
func luaMod(L *lua.LState) int {
	a, b := L.Get(1), L.Get(2)
	na, okA := arithNumber(a)
	nb, okB := arithNumber(b)
	if okA && okB {
		L.Push(lua.LNumber(na - math.Floor(na/nb)*nb))
		return 1
	}
	mm := L.GetMetaField(a, "__mod")
	if mm == lua.LNil {
		mm = L.GetMetaField(b, "__mod")
	}
	if mm != lua.LNil {
		L.Push(mm)
		L.Push(a)
		L.Push(b)
		L.Call(2, 1)
		return 1
	}
	bad, v := 0, a
	if okA {
		bad, v = 1, b
	}
	L.RaiseError("%s", luadiag.CallArgError(L, 1, bad, v.Type().String(), "perform arithmetic on"))
	return 0
}

// A numeric for's initial value, limit and step may be strings holding
// numbers in Lua 5.1 (forprep converts them: for i = 1, arg[1] do),
// where gopher-lua's OP_FORPREP refuses them. rewriteStmt passes each that
// is not a numeral or an arithmetic result through forNumberFunction, which
// converts such a string and returns anything else as it is, for
// OP_FORPREP to refuse with C Lua's words.

// forNumberMarker is the placeholder constant of that call (see
// concatMarker).
var forNumberMarker = sync.OnceValue(func() string { return concatMarker() + " for" })

// forNumberFunction is the function the call is linked to.
var forNumberFunction = sync.OnceValue(func() *lua.LFunction {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	return &lua.LFunction{IsG: true, GFunction: func(L *lua.LState) int {
		v := L.Get(1)
		if s, ok := v.(lua.LString); ok {
			if f, ok := ParseNumber(string(s)); ok {
				v = lua.LNumber(f)
			}
		}
		L.SetTop(0)
		L.Push(v)
		return 1
	}, Env: L.NewTable()}
})

// forNumber wraps e, a numeric for's initial value, limit or step, in the
// call of forNumberMarker, unless it is sure to be a number already.
func forNumber(e ast.Expr) ast.Expr {
	switch e.(type) {
	case *ast.NumberExpr, *ast.ArithmeticOpExpr, *ast.UnaryMinusOpExpr, *ast.UnaryLenOpExpr:
		return e
	}
	if call, ok := e.(*ast.FuncCallExpr); ok {
		if fn, ok := call.Func.(*ast.StringExpr); ok && fn.Value == modMarker() {
			return e // a rewritten %
		}
	}
	oneValue(e)
	fn := &ast.StringExpr{Value: forNumberMarker()}
	fn.SetLine(e.Line())
	fn.SetLastLine(e.Line())
	call := &ast.FuncCallExpr{Func: fn, Args: []ast.Expr{e}, AdjustRet: true}
	call.SetLine(e.Line())
	call.SetLastLine(e.Line())
	return call
}
