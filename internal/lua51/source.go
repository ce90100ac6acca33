package lua51

import (
	"bytes"
	"math"
	"strconv"

	"github.com/yuin/gopher-lua/ast"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// The source pass: what Lua 5.1 reads and gopher-lua's lexer does not is
// written, before parsing, in a form gopher-lua's lexer reads alike,
// without changing a line break (so every line number stays):
//
//   - a hexadecimal numeral with a binary exponent (0x1p4: C Lua reads
//     numerals with C's strtod, which reads it; gopher-lua's lexer stops
//     at the p) becomes its value in decimal;
//   - the name goto (gopher-lua's lexer has Lua 5.2's keyword) becomes a
//     name of four characters that the chunk does not have, which
//     restoreGoto puts back into the syntax tree; a goto statement or a
//     label (Lua 5.2) is then a syntax error, as in C Lua 5.1.
//
// The pass runs only on chunks that have such a thing (a quick look at
// the bytes first), and reads them with luadiag's Lua 5.1 lexer; a chunk
// with a lexical error is left as it is (its syntax error is found
// later, in the source as given).

// prepareSource returns src with the changes above (or src itself when
// there is nothing to change) and the name that stands for goto ("" when
// none does).
func prepareSource(src []byte) (out []byte, gotoName string) {
	hex := hasHexExponent(src)
	if bytes.Contains(src, []byte("goto")) {
		gotoName = unusedName(src)
	}
	if !hex && gotoName == "" {
		return src, ""
	}
	last := 0
	ok := luadiag.Lexemes(src, func(lx luadiag.Lexeme) {
		text := string(src[lx.Start:lx.End])
		var with string
		switch {
		case !lx.Numeral && text == "goto" && gotoName != "":
			with = gotoName
		case lx.Numeral && hex && hasHexExponent(src[lx.Start:lx.End]):
			f, valid := ParseNumber(text)
			if !valid {
				return
			}
			with = decimalNumeral(f)
		default:
			return
		}
		out = append(out, src[last:lx.Start]...)
		out = append(out, with...)
		last = lx.End
	})
	if !ok || out == nil {
		return src, ""
	}
	return append(out, src[last:]...), gotoName
}

// unusedName returns a name of four characters (as long as goto) that src
// does not have anywhere, or "" when every candidate is taken.
func unusedName(src []byte) string {
	const chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	name := []byte("g_o_")
	for _, a := range []byte(chars) {
		for _, b := range []byte(chars) {
			name[1], name[3] = a, b
			if !bytes.Contains(src, name) {
				return string(name)
			}
		}
	}
	return ""
}

// decimalNumeral writes f (not negative) as a numeral gopher-lua's lexer
// reads: the shortest decimal that converts back to f, or 1e999 for
// infinity (which rewriteExpr makes infinity, see gopherNumber).
func decimalNumeral(f float64) string {
	if math.IsInf(f, 1) {
		return "1e999"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// hasHexExponent reports whether b has a hexadecimal numeral followed by a
// binary exponent ("0x1p4", "0XAP10") anywhere, in a string or a comment
// too.
func hasHexExponent(b []byte) bool {
	for i := 0; i+3 < len(b); i++ {
		if b[i] != '0' || b[i+1]|0x20 != 'x' {
			continue
		}
		j := i + 2
		for j < len(b) && isHexDigit(b[j]) {
			j++
		}
		if j > i+2 && j+1 < len(b) && b[j]|0x20 == 'p' && '0' <= b[j+1] && b[j+1] <= '9' {
			return true
		}
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
}

// gopherNumber is the value gopher-lua's compiler gives a numeral: an
// integer (strconv.ParseInt, base from its prefix) or a float
// (strconv.ParseFloat), and NaN for anything else (1e999, a hexadecimal
// integer past 2^63).
func gopherNumber(text string) float64 {
	if n, err := strconv.ParseInt(text, 0, 64); err == nil {
		return float64(n)
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil {
		return f
	}
	return math.NaN()
}

// restoreGoto renames every name from in the syntax tree back to goto:
// variables, fields (t.goto, {goto = v}), methods and parameters.
func restoreGoto(stmts []ast.Stmt, from string) {
	name := func(s *string) {
		if *s == from {
			*s = "goto"
		}
	}
	names := func(list []string) {
		for i := range list {
			name(&list[i])
		}
	}
	var block func([]ast.Stmt)
	var expr func(ast.Expr)
	exprs := func(list []ast.Expr) {
		for _, e := range list {
			expr(e)
		}
	}
	expr = func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.IdentExpr:
			name(&x.Value)
		case *ast.AttrGetExpr:
			expr(x.Object)
			if k, ok := x.Key.(*ast.StringExpr); ok {
				name(&k.Value)
			}
			expr(x.Key)
		case *ast.TableExpr:
			for _, f := range x.Fields {
				if k, ok := f.Key.(*ast.StringExpr); ok {
					name(&k.Value)
				}
				if f.Key != nil {
					expr(f.Key)
				}
				expr(f.Value)
			}
		case *ast.FuncCallExpr:
			if x.Func != nil {
				expr(x.Func)
			}
			if x.Receiver != nil {
				expr(x.Receiver)
			}
			name(&x.Method)
			exprs(x.Args)
		case *ast.LogicalOpExpr:
			expr(x.Lhs)
			expr(x.Rhs)
		case *ast.RelationalOpExpr:
			expr(x.Lhs)
			expr(x.Rhs)
		case *ast.StringConcatOpExpr:
			expr(x.Lhs)
			expr(x.Rhs)
		case *ast.ArithmeticOpExpr:
			expr(x.Lhs)
			expr(x.Rhs)
		case *ast.UnaryMinusOpExpr:
			expr(x.Expr)
		case *ast.UnaryNotOpExpr:
			expr(x.Expr)
		case *ast.UnaryLenOpExpr:
			expr(x.Expr)
		case *ast.FunctionExpr:
			if x.ParList != nil {
				names(x.ParList.Names)
			}
			block(x.Stmts)
		}
	}
	block = func(stmts []ast.Stmt) {
		for _, st := range stmts {
			switch s := st.(type) {
			case *ast.AssignStmt:
				exprs(s.Lhs)
				exprs(s.Rhs)
			case *ast.LocalAssignStmt:
				names(s.Names)
				exprs(s.Exprs)
			case *ast.FuncCallStmt:
				expr(s.Expr)
			case *ast.DoBlockStmt:
				block(s.Stmts)
			case *ast.WhileStmt:
				expr(s.Condition)
				block(s.Stmts)
			case *ast.RepeatStmt:
				block(s.Stmts)
				expr(s.Condition)
			case *ast.IfStmt:
				expr(s.Condition)
				block(s.Then)
				block(s.Else)
			case *ast.NumberForStmt:
				name(&s.Name)
				expr(s.Init)
				expr(s.Limit)
				if s.Step != nil {
					expr(s.Step)
				}
				block(s.Stmts)
			case *ast.GenericForStmt:
				names(s.Names)
				exprs(s.Exprs)
				block(s.Stmts)
			case *ast.FuncDefStmt:
				if s.Name != nil {
					if s.Name.Func != nil {
						expr(s.Name.Func)
					}
					if s.Name.Receiver != nil {
						expr(s.Name.Receiver)
					}
					name(&s.Name.Method)
				}
				expr(s.Func)
			case *ast.ReturnStmt:
				exprs(s.Exprs)
			}
		}
	}
	block(stmts)
}
