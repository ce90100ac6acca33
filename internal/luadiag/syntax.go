package luadiag

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// SyntaxError is a chunk that does not compile, described as C Lua 5.1
// does: "deploy.lua:4: 'end' expected (to close 'if' at line 2) near '<eof>'".
type SyntaxError struct {
	// Chunk is the chunk's name, as given to the compiler.
	Chunk string
	// Line is the line the error was found at (1-based), 0 when unknown.
	Line int
	// Reason is what is wrong, without the location: "unexpected symbol
	// near '='".
	Reason string
	// Err is gopher-lua's own error for the chunk.
	Err error
}

// Error is "chunk:line: reason".
func (e *SyntaxError) Error() string {
	if e.Line <= 0 {
		return e.Chunk + ": " + e.Reason
	}
	return fmt.Sprintf("%s:%d: %s", e.Chunk, e.Line, e.Reason)
}

// Unwrap returns gopher-lua's error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Syntax describes the error gopher-lua's compiler returned for src (the
// chunk's text, as compiled) in C Lua 5.1's words. It reads src again with
// a Lua 5.1 checker of its own, which finds the first error where lparser.c
// would and says what was expected and near which token; when the checker
// finds nothing (gopher-lua refuses something Lua 5.1 accepts, or a limit of
// its compiler), gopher-lua's message is put in the same "chunk:line:" form.
// It is meant for the error path only: a chunk that compiles never gets here.
func Syntax(chunkname string, src []byte, err error) *SyntaxError {
	if line, reason, found := check(src); found {
		return &SyntaxError{Chunk: chunkname, Line: line, Reason: reason, Err: err}
	}
	se := &SyntaxError{Chunk: chunkname, Err: err}
	cause := err
	var api *lua.ApiError
	if errors.As(err, &api) && api.Cause != nil {
		cause = api.Cause
	}
	var perr *parse.Error
	var cerr *lua.CompileError
	switch {
	case errors.As(cause, &perr):
		se.Reason = strings.TrimSpace(perr.Message)
		if perr.Pos.Line == parse.EOF {
			se.Line = 1 + bytes.Count(src, []byte("\n"))
			se.Reason += " near '<eof>'"
		} else {
			se.Line = perr.Pos.Line
			se.Reason += " near '" + perr.Token + "'"
		}
	case errors.As(cause, &cerr):
		se.Line, se.Reason = cerr.Line, cerr.Message
	case err != nil:
		se.Reason = strings.Join(strings.Fields(err.Error()), " ")
	default:
		se.Reason = "syntax error"
	}
	return se
}

// Lua52Syntax returns the syntax error C Lua 5.1 finds in src, a chunk that
// gopher-lua's parser took, when src may have what gopher-lua takes and
// Lua 5.1 refuses (see mayBeRefused); nil otherwise. Its Err is nil.
func Lua52Syntax(chunkname string, src []byte) *SyntaxError {
	if !mayBeRefused(src) {
		return nil
	}
	if line, reason, found := check(src); found {
		return &SyntaxError{Chunk: chunkname, Line: line, Reason: reason}
	}
	return nil
}

// mayBeRefused is a quick look at the bytes of a chunk for what gopher-lua's
// parser takes and C Lua 5.1's refuses, strings and comments included: a
// ';' (an empty statement, "do ; end"), a '(' first on a line after the
// first (f\n(g): "ambiguous syntax"), a decimal escape above 255 ("\400")
// and a "[[" before the "]]" that closes an earlier "[[" (nested long
// brackets). Most chunks have none of them, and the checker, which costs
// about a twentieth of gopher-lua's parse, is not run on them.
func mayBeRefused(src []byte) bool {
	if bytes.IndexByte(src, ';') >= 0 {
		return true
	}
	open := false
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\n':
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r' || src[j] == '\f' || src[j] == '\v') {
				j++
			}
			if j < len(src) && src[j] == '(' {
				return true
			}
		case '\\':
			n, j := 0, i+1
			for ; j < len(src) && j < i+4 && '0' <= src[j] && src[j] <= '9'; j++ {
				n = n*10 + int(src[j]-'0')
			}
			if n > 255 {
				return true
			}
		case '[':
			if i+1 < len(src) && src[i+1] == '[' {
				if open {
					return true
				}
				open = true
				i++
			}
		case ']':
			if i+1 < len(src) && src[i+1] == ']' {
				open = false
				i++
			}
		}
	}
	return false
}
