package lua51

import (
	"fmt"
	"math"
	"strconv"

	"github.com/yuin/gopher-lua/ast"
)

// The rewrites of the syntax tree that make gopher-lua's compiler produce
// what Lua 5.1 means. Each is checked against C Lua 5.1 by the differential
// suite (testdata/lua51/) and by rewrite_test.go:
//
//   - multiple assignment evaluates every expression before it assigns
//     (manual §2.4.3; gopher-lua issue 440): `a, b = b, a`,
//     `i, a[i] = i+1, 20`, `t[1], t[2] = t[2], t[1]`;
//   - a call or `...` as the value of a keyed constructor field gives one
//     value (`{ "a", n = f() }` has length 1 plus the array items, not the
//     call's results in the array part);
//   - a generic for with fewer than three expressions gets nils for the
//     missing ones (gopher-lua issue 514: the hidden state and control
//     variables kept the previous loop's values);
//   - an assignment to a field of a constant (`(5).x = 1`) indexes the
//     constant, not an unrelated register (gopher-lua issues 310, 524);
//   - `if false then ... end` and `if nil then ... end` (an if whose
//     condition is the constant false or nil) become their else part: the
//     compiler's folding of them broke the registers of an enclosing generic
//     for (gopher-lua issue 540).

// tempName is the name of the n-th temporary local of a rewritten
// assignment. The parentheses make it impossible for a script to name it.
func tempName(n int) string { return "(assign " + strconv.Itoa(n) + ")" }

// rewriteBlock rewrites a block in place and returns it.
func rewriteBlock(stmts []ast.Stmt) []ast.Stmt {
	for i, st := range stmts {
		stmts[i] = rewriteStmt(st)
	}
	return stmts
}

func rewriteStmt(st ast.Stmt) ast.Stmt {
	switch s := st.(type) {
	case *ast.AssignStmt:
		rewriteExprs(s.Lhs)
		rewriteExprs(s.Rhs)
		if len(s.Lhs) > 1 || constantObject(s.Lhs[0]) {
			return multipleAssign(s)
		}
	case *ast.LocalAssignStmt:
		rewriteExprs(s.Exprs)
	case *ast.FuncCallStmt:
		s.Expr = rewriteExpr(s.Expr)
	case *ast.DoBlockStmt:
		rewriteBlock(s.Stmts)
	case *ast.WhileStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteBlock(s.Stmts)
	case *ast.RepeatStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteBlock(s.Stmts)
	case *ast.IfStmt:
		s.Condition = rewriteExpr(s.Condition)
		rewriteBlock(s.Then)
		rewriteBlock(s.Else)
		switch s.Condition.(type) {
		case *ast.FalseExpr, *ast.NilExpr:
			do := &ast.DoBlockStmt{Stmts: s.Else}
			do.SetLine(s.Line())
			do.SetLastLine(s.LastLine())
			return do
		}
	case *ast.NumberForStmt:
		s.Init = forNumber(rewriteExpr(s.Init))
		s.Limit = forNumber(rewriteExpr(s.Limit))
		if s.Step != nil {
			s.Step = forNumber(rewriteExpr(s.Step))
		}
		rewriteBlock(s.Stmts)
	case *ast.GenericForStmt:
		rewriteExprs(s.Exprs)
		if n := len(s.Exprs); n < 3 && !isMulti(s.Exprs[n-1]) {
			for range 3 - n {
				nilExpr := &ast.NilExpr{}
				nilExpr.SetLine(s.Line())
				nilExpr.SetLastLine(s.Line())
				s.Exprs = append(s.Exprs, nilExpr)
			}
		}
		rewriteBlock(s.Stmts)
	case *ast.FuncDefStmt:
		if s.Name != nil {
			if s.Name.Func != nil {
				s.Name.Func = rewriteExpr(s.Name.Func)
			}
			if s.Name.Receiver != nil {
				s.Name.Receiver = rewriteExpr(s.Name.Receiver)
			}
		}
		rewriteExpr(s.Func)
	case *ast.ReturnStmt:
		rewriteExprs(s.Exprs)
	case *ast.LabelStmt:
		panic(notLua51{"label '" + s.Name + "'", s.Line()})
	case *ast.GotoStmt:
		panic(notLua51{"goto statement", s.Line()})
	}
	return st
}

// notLua51 is a statement of Lua 5.2 that gopher-lua's parser takes and
// Lua 5.1's refuses: a label (::name::), or a goto statement in a chunk
// the source pass could not read (goto is a name otherwise). Compile
// makes it the chunk's syntax error, which luadiag finds in the source as
// C Lua does ("unexpected symbol near ':'").
type notLua51 struct {
	what string
	line int
}

func (n notLua51) Error() string {
	return fmt.Sprintf("line:%d(column:1) near '%s':   syntax error (not Lua 5.1)", n.line, n.what)
}

// constantObject reports whether target is a field of a constant
// (`(5).x = v`, `("s").x = v`): gopher-lua's compiler folds the constant
// into an operand its VM reads as a register, so the assignment indexes an
// unrelated register (gopher-lua issues 310 and 524). multipleAssign puts
// the constant in a temporary first.
func constantObject(target ast.Expr) bool {
	attr, ok := target.(*ast.AttrGetExpr)
	if !ok {
		return false
	}
	switch attr.Object.(type) {
	case *ast.NumberExpr, *ast.StringExpr, *ast.NilExpr, *ast.TrueExpr, *ast.FalseExpr,
		*ast.ArithmeticOpExpr, *ast.UnaryMinusOpExpr:
		return true
	}
	return false
}

func rewriteExprs(exprs []ast.Expr) {
	for i, e := range exprs {
		exprs[i] = rewriteExpr(e)
	}
}

func rewriteExpr(e ast.Expr) ast.Expr {
	switch x := e.(type) {
	case *ast.AttrGetExpr:
		x.Object = rewriteExpr(x.Object)
		x.Key = rewriteExpr(x.Key)
		x.SetLine(endLine(x.Key))
	case *ast.TableExpr:
		for _, f := range x.Fields {
			if f.Key != nil {
				f.Key = rewriteExpr(f.Key)
				oneValue(f.Value)
			}
			f.Value = rewriteExpr(f.Value)
		}
	case *ast.FuncCallExpr:
		if x.Func != nil {
			x.Func = rewriteExpr(x.Func)
		}
		if x.Receiver != nil {
			x.Receiver = rewriteExpr(x.Receiver)
		}
		rewriteExprs(x.Args)
	case *ast.LogicalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
	case *ast.RelationalOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
		x.SetLine(endLine(x.Rhs))
	case *ast.StringConcatOpExpr:
		return rewriteConcat(x)
	case *ast.ArithmeticOpExpr:
		x.Lhs, x.Rhs = rewriteExpr(x.Lhs), rewriteExpr(x.Rhs)
		x.SetLine(endLine(x.Rhs))
		if x.Operator == "%" {
			return rewriteMod(x)
		}
	case *ast.UnaryMinusOpExpr:
		x.Expr = rewriteExpr(x.Expr)
		x.SetLine(endLine(x.Expr))
	case *ast.UnaryNotOpExpr:
		x.Expr = rewriteExpr(x.Expr)
	case *ast.UnaryLenOpExpr:
		x.Expr = rewriteExpr(x.Expr)
		x.SetLine(endLine(x.Expr))
	case *ast.FunctionExpr:
		rewriteBlock(x.Stmts)
	case *ast.NumberExpr:
		f, ok := ParseNumber(x.Value)
		if !ok {
			panic(malformedNumber{x.Value, x.Line()})
		}
		if g := gopherNumber(x.Value); g != f && !(math.IsNaN(f) && math.IsNaN(g)) {
			// 1e999 (C's strtod: infinity), 0xffffffffffffffffff (a
			// float): gopher-lua's compiler would make them NaN.
			x.Value = "Inf"
			if !math.IsInf(f, 1) {
				x.Value = strconv.FormatFloat(f, 'g', -1, 64)
			}
		}
	}
	return e
}

// endLine is the line of the last token of e, as far as the syntax tree
// tells (a call without arguments: the line it starts at; a bracketed key:
// the key's). C Lua gives an instruction the line of the last token read
// when it is emitted, which for an operator or an indexing is the end of
// its last operand; gopher-lua's compiler gives it the line its expression
// starts at. rewriteExpr sets the lines of indexing, arithmetic,
// comparison, length, unary minus and concatenation to C Lua's, so that
// an error in an expression spread over lines (t.a\n.b, 1 +\nx) names the
// line C Lua names.
func endLine(e ast.Expr) int {
	switch x := e.(type) {
	case *ast.AttrGetExpr:
		return endLine(x.Key)
	case *ast.FuncCallExpr:
		if n := len(x.Args); n > 0 {
			return max(endLine(x.Args[n-1]), x.Line())
		}
	case *ast.LogicalOpExpr:
		return endLine(x.Rhs)
	case *ast.RelationalOpExpr:
		return endLine(x.Rhs)
	case *ast.StringConcatOpExpr:
		return endLine(x.Rhs)
	case *ast.ArithmeticOpExpr:
		return endLine(x.Rhs)
	case *ast.UnaryMinusOpExpr:
		return endLine(x.Expr)
	case *ast.UnaryNotOpExpr:
		return endLine(x.Expr)
	case *ast.UnaryLenOpExpr:
		return endLine(x.Expr)
	}
	return max(e.Line(), e.LastLine())
}

// malformedNumber is a number literal gopher-lua's lexer took and Lua 5.1's
// refuses ("1e", which gopher-lua reads as NaN). rewriteExpr panics with it
// and Compile makes it the chunk's syntax error.
type malformedNumber struct {
	text string
	line int
}

func (m malformedNumber) Error() string {
	return fmt.Sprintf("line:%d(column:1) near '%s':   malformed number", m.line, m.text)
}

// isMulti reports whether e may give several values (a call or `...` not
// already adjusted to one).
func isMulti(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		return !x.AdjustRet
	case *ast.Comma3Expr:
		return !x.AdjustRet
	}
	return false
}

// oneValue adjusts a call or `...` to one value, as parentheses do.
func oneValue(e ast.Expr) {
	switch x := e.(type) {
	case *ast.FuncCallExpr:
		x.AdjustRet = true
	case *ast.Comma3Expr:
		x.AdjustRet = true
	}
}

// multipleAssign turns `l1, l2, ... = r1, r2, ...` into
//
//	do
//	  local (assign 1), (assign 2), ... = <table and key of each indexed target, left to right>
//	  local (assign k), ... = r1, r2, ...
//	  ln = (assign ...) ... l1 = (assign k)
//	end
//
// so that every table, key and value is evaluated before the first
// assignment, and the assignments run from the last target to the first,
// as in C Lua 5.1. Constant keys stay in place.
func multipleAssign(s *ast.AssignStmt) ast.Stmt {
	line, last := s.Line(), s.LastLine()
	n := 0
	ident := func() *ast.IdentExpr {
		n++
		id := &ast.IdentExpr{Value: tempName(n)}
		id.SetLine(line)
		id.SetLastLine(last)
		return id
	}
	var names []string
	var exprs []ast.Expr
	targets := make([]ast.Expr, len(s.Lhs))
	for i, l := range s.Lhs {
		attr, ok := l.(*ast.AttrGetExpr)
		if !ok {
			targets[i] = l
			continue
		}
		obj := ident()
		names, exprs = append(names, obj.Value), append(exprs, attr.Object)
		key := attr.Key
		switch attr.Key.(type) {
		case *ast.StringExpr, *ast.NumberExpr, *ast.TrueExpr, *ast.FalseExpr:
		default:
			id := ident()
			names, exprs = append(names, id.Value), append(exprs, attr.Key)
			key = id
		}
		target := &ast.AttrGetExpr{Object: obj, Key: key}
		target.SetLine(attr.Line())
		target.SetLastLine(attr.LastLine())
		targets[i] = target
	}
	var stmts []ast.Stmt
	local := func(names []string, exprs []ast.Expr) {
		st := &ast.LocalAssignStmt{Names: names, Exprs: exprs}
		st.SetLine(line)
		st.SetLastLine(last)
		stmts = append(stmts, st)
	}
	if len(names) > 0 {
		local(names, exprs)
	}
	values := make([]*ast.IdentExpr, len(s.Lhs))
	valueNames := make([]string, len(s.Lhs))
	for i := range values {
		values[i] = ident()
		valueNames[i] = values[i].Value
	}
	local(valueNames, s.Rhs)
	for i := len(targets) - 1; i >= 0; i-- {
		st := &ast.AssignStmt{Lhs: []ast.Expr{targets[i]}, Rhs: []ast.Expr{values[i]}}
		st.SetLine(line)
		st.SetLastLine(last)
		stmts = append(stmts, st)
	}
	do := &ast.DoBlockStmt{Stmts: stmts}
	do.SetLine(line)
	do.SetLastLine(last)
	return do
}
