package lua51

import (
	"bytes"
	"errors"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// Compile turns Lua source into a gopher-lua function prototype: the
// source pass of source.go, parse, the rewrites of rewrite.go, then
// gopher-lua's compiler. Every chunk the
// project runs (scripts, -e, Eval, REPL lines, load, loadstring, loadfile,
// dofile, require, the embedded modules) is compiled here.
//
// A chunk starting with ESC (precompiled bytecode) is refused with
// ErrBytecode. A syntax error is returned by syntaxError, the one place
// where syntax errors are made.
func Compile(src []byte, name string) (*lua.FunctionProto, error) {
	if bytes.HasPrefix(src, []byte("\x1b")) {
		return nil, &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(ErrBytecode)}
	}
	prepared, gotoName := prepareSource(src)
	chunk, err := parse.Parse(bytes.NewReader(prepared), name)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	if se := luadiag.Lua52Syntax(name, src); se != nil {
		// f\n(g), "\400", [[ [[ ]], do ; end: gopher-lua's parser
		// takes them, C Lua 5.1's does not.
		return nil, syntaxErrorOf(se)
	}
	if gotoName != "" {
		restoreGoto(chunk, gotoName)
	}
	stmts, err := rewrite(chunk)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	proto, err := lua.Compile(stmts, name)
	if err != nil {
		return nil, syntaxError(name, src, err)
	}
	linkConcat(proto)
	return proto, nil
}

// rewrite is rewriteBlock, with a malformed number literal, a goto
// statement and a label as errors.
func rewrite(chunk []ast.Stmt) (stmts []ast.Stmt, err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case malformedNumber:
				err = e
			case notLua51:
				err = e
			default:
				panic(r)
			}
		}
	}()
	return rewriteBlock(chunk), nil
}

// Load compiles src (see Compile) into a function of L with L's globals as
// its environment.
func Load(L *lua.LState, src []byte, name string) (*lua.LFunction, error) {
	proto, err := Compile(src, name)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

// syntaxError is the error of a chunk that does not compile: a
// *lua.ApiError of type ApiErrorSyntax whose Object is the one-line
// message and whose Cause is a *luadiag.SyntaxError. Every syntax error of
// the project is made here; luadiag.Syntax words it as C Lua 5.1 does
// ("chunk:4: 'end' expected (to close 'if' at line 2) near '<eof>'").
func syntaxError(name string, src []byte, err error) error {
	return syntaxErrorOf(luadiag.Syntax(name, src, err))
}

// syntaxErrorOf is the error of syntaxError for luadiag's description se.
func syntaxErrorOf(se *luadiag.SyntaxError) error {
	return &lua.ApiError{Type: lua.ApiErrorSyntax, Object: lua.LString(oneLine(se.Error())), Cause: se}
}

// SyntaxMessage is a compile error's text without gopher-lua's wrapping.
func SyntaxMessage(err error) string {
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil && api.Object != lua.LNil {
		return oneLine(api.Object.String())
	}
	return oneLine(err.Error())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
