package lua51

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// The concatenation operator. gopher-lua's OP_CONCAT writes numbers in
// Go's shortest form (1e15 .. "" is "1000000000000000", 0.1 + 0.2 gives
// "0.30000000000000004") and joins any number of operands in one
// instruction, which no memory budget can stop (s..s..s.. of a large s).
// The compiler's input is rewritten instead: a chain a .. b .. c becomes a
// call of concatFunction with the operands, which writes numbers with
// "%.14g", asks the host's budget before building a large result, calls
// __concat as Lua 5.1 does (right to left, the left operand's metamethod
// first) and names an operand that cannot be concatenated as C Lua does.
//
// The call's function is a constant of the compiled chunk: the rewrite
// calls a string constant (concatMarker, random per process so that no
// script can write it), and Compile replaces that constant in every proto
// by concatFunction. Chains of constants are joined at compile time.

// markerPrefix begins concatMarker.
const markerPrefix = "\x00flyscript concat "

// concatMarker is the placeholder constant of the rewrite, made by the
// first concatenation compiled: crypto/rand's first read costs 30 to 60 µs,
// which a start that compiles none need not pay.
var concatMarker = sync.OnceValue(func() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return markerPrefix + hex.EncodeToString(b)
})

// concatFunction is the function every rewritten concatenation calls,
// made on the first compile (its environment table comes from a state of
// its own, which a start that runs no Lua need not build).
var concatFunction = sync.OnceValue(func() *lua.LFunction {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	return &lua.LFunction{IsG: true, GFunction: luaConcat, Env: L.NewTable()}
})

// rewriteConcat turns the chain of x (a .. b .. c: right-associative, as
// the compiler joins it) into a call of concatMarker, or a string constant
// when every operand is one.
func rewriteConcat(x *ast.StringConcatOpExpr) ast.Expr {
	var operands []ast.Expr
	var e ast.Expr = x
	for {
		c, ok := e.(*ast.StringConcatOpExpr)
		if !ok {
			operands = append(operands, rewriteExpr(e))
			break
		}
		operands = append(operands, rewriteExpr(c.Lhs))
		e = c.Rhs
	}
	if s, ok := constantConcat(operands); ok {
		folded := &ast.StringExpr{Value: s}
		folded.SetLine(x.Line())
		folded.SetLastLine(x.LastLine())
		return folded
	}
	oneValue(operands[len(operands)-1]) // an operand is one value, a call's last argument would be all of them
	// The line C Lua gives the concatenation: where its last operand ends
	// (see endLine).
	line := endLine(operands[len(operands)-1])
	fn := &ast.StringExpr{Value: concatMarker()}
	fn.SetLine(line)
	fn.SetLastLine(line)
	call := &ast.FuncCallExpr{Func: fn, Args: operands, AdjustRet: true}
	call.SetLine(line)
	call.SetLastLine(line)
	return call
}

// constantConcat is the value of a chain of string and number constants.
func constantConcat(operands []ast.Expr) (string, bool) {
	var b strings.Builder
	for _, o := range operands {
		switch c := o.(type) {
		case *ast.StringExpr:
			b.WriteString(c.Value)
		case *ast.NumberExpr:
			f, ok := ParseNumber(c.Value)
			if !ok {
				return "", false
			}
			b.WriteString(FormatNumber(f))
		default:
			return "", false
		}
	}
	return b.String(), true
}

// linkConcat replaces concatMarker, modMarker and forNumberMarker in the
// constants of p and the protos nested in it by their functions.
func linkConcat(p *lua.FunctionProto) {
	for i, c := range p.Constants {
		if s, ok := c.(lua.LString); ok && strings.HasPrefix(string(s), markerPrefix) {
			switch string(s) {
			case concatMarker():
				p.Constants[i] = concatFunction()
			case modMarker():
				p.Constants[i] = modFunction()
			case forNumberMarker():
				p.Constants[i] = forNumberFunction()
			}
		}
	}
	for _, child := range p.FunctionPrototypes {
		linkConcat(child)
	}
}

// concatCheck is the registry field of the host's budget check (Config.CheckAlloc).
const concatCheck = "flyscript.lua51.checkalloc"

// largeConcat is the size from which a concatenation asks the budget.
const largeConcat = 1 << 20

// luaConcat is a .. b .. ...: its operands are the arguments.
func luaConcat(L *lua.LState) int {
	n := L.GetTop()
	size, simple := 0, true
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			size += len(v)
		case lua.LNumber:
			size += 24
		default:
			simple = false
		}
	}
	if simple {
		checkConcat(L, size)
		L.Push(lua.LString(joinValues(L, 1, n, size)))
		return 1
	}
	vals := make([]lua.LValue, n)
	from := make([]int, n) // the argument each value is, -1 for a metamethod's result
	for i := range vals {
		vals[i], from[i] = L.Get(i+1), i
	}
	for len(vals) > 1 {
		top := len(vals)
		a, b := vals[top-2], vals[top-1]
		if stringy(a) && stringy(b) {
			k := top - 2
			for k > 0 && stringy(vals[k-1]) {
				k--
			}
			size := 0
			for _, v := range vals[k:] {
				size += len(lua.LVAsString(v))
			}
			checkConcat(L, size)
			var s strings.Builder
			s.Grow(size)
			for _, v := range vals[k:] {
				s.WriteString(valueString(v))
			}
			vals, from = append(vals[:k], lua.LString(s.String())), append(from[:k], -1)
			continue
		}
		mm := L.GetMetaField(a, "__concat")
		if mm == lua.LNil {
			mm = L.GetMetaField(b, "__concat")
		}
		if mm == lua.LNil {
			bad := top - 2
			if stringy(a) {
				bad = top - 1
			}
			typ := vals[bad].Type().String()
			if from[bad] < 0 {
				L.RaiseError("attempt to concatenate a %s value", typ)
			}
			L.RaiseError("%s", luadiag.CallArgError(L, 1, from[bad], typ, "concatenate"))
		}
		r := call2(L, mm, a, b)
		vals, from = append(vals[:top-2], r), append(from[:top-2], -1)
	}
	L.Push(vals[0])
	return 1
}

// stringy reports whether v concatenates as it is (a string or a number).
func stringy(v lua.LValue) bool {
	switch v.(type) {
	case lua.LString, lua.LNumber:
		return true
	}
	return false
}

// valueString is a string or number as concatenation writes it.
func valueString(v lua.LValue) string {
	if n, ok := v.(lua.LNumber); ok {
		return FormatNumber(float64(n))
	}
	return lua.LVAsString(v)
}

// joinValues joins arguments from..to of L, all strings or numbers.
func joinValues(L *lua.LState, from, to, size int) string {
	if to == from+1 {
		if a, ok := L.Get(from).(lua.LString); ok {
			if b, ok := L.Get(to).(lua.LString); ok {
				return string(a) + string(b)
			}
		}
	}
	var b strings.Builder
	b.Grow(size)
	for i := from; i <= to; i++ {
		b.WriteString(valueString(L.Get(i)))
	}
	return b.String()
}

// checkConcat asks the host's budget (Config.CheckAlloc) before a large
// concatenation.
func checkConcat(L *lua.LState, size int) {
	if size >= largeConcat {
		checkAlloc(L, "concatenation", float64(size))
	}
}

// checkAlloc asks the host's budget (Config.CheckAlloc), when there is one,
// whether what may build size bytes.
func checkAlloc(L *lua.LState, what string, size float64) {
	if ud, ok := L.Get(lua.RegistryIndex).(*lua.LTable).RawGetString(concatCheck).(*lua.LUserData); ok {
		if check, ok := ud.Value.(func(*lua.LState, string, float64)); ok {
			check(L, what, size)
		}
	}
}

// CompileCost is about how many bytes gopher-lua's parser and compiler
// allocate per byte of source (BenchmarkCompile: 8.3 MB for 72 KB): a
// host bounding memory weighs a chunk to compile with it.
const CompileCost = 115

// checkCompile asks the host's budget before what compiles a chunk of
// size bytes of source: a script's loadstring of a huge string would
// otherwise take the memory (and the time) of its syntax tree at once.
func checkCompile(L *lua.LState, what string, size int) {
	if size*CompileCost >= largeConcat {
		checkAlloc(L, what, float64(size)*CompileCost)
	}
}
