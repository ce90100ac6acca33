package luadiag

import (
	"fmt"
	"strings"
)

// Tokens of the Lua 5.1 lexer. Single-character tokens are their byte
// value; the others start above every byte.
const (
	tkAnd = iota + 257
	tkBreak
	tkDo
	tkElse
	tkElseif
	tkEnd
	tkFalse
	tkFor
	tkFunction
	tkIf
	tkIn
	tkLocal
	tkNil
	tkNot
	tkOr
	tkRepeat
	tkReturn
	tkThen
	tkTrue
	tkUntil
	tkWhile
	tkConcat
	tkDots
	tkEq
	tkGe
	tkLe
	tkNe
	tkNumber
	tkName
	tkString
	tkEOS
)

// tokenNames are the words Lua uses for the tokens above 256 in messages.
var tokenNames = [...]string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
	"if", "in", "local", "nil", "not", "or", "repeat", "return", "then",
	"true", "until", "while", "..", "...", "==", ">=", "<=", "~=",
	"<number>", "<name>", "<string>", "<eof>",
}

// reserved maps Lua's reserved words to their tokens.
var reserved = func() map[string]int {
	m := map[string]int{}
	for t := tkAnd; t <= tkWhile; t++ {
		m[tokenNames[t-tkAnd]] = t
	}
	return m
}()

// tokenName is how a token is named in "'x' expected".
func tokenName(t int) string {
	if t < tkAnd {
		if t < 32 || t == 127 {
			return fmt.Sprintf("char(%d)", t)
		}
		return string(rune(t))
	}
	return tokenNames[t-tkAnd]
}

// token is one token with the text Lua shows for it after "near".
type token struct {
	t    int
	text string // names, numbers and strings: the text read
}

// errSyntax is what the checker panics with; check recovers it.
type errSyntax struct {
	line int
	msg  string
}

// lexer reads Lua 5.1 tokens as llex.c does, keeping the line count that
// messages use: line is where reading stopped (the end of the current
// token, or of the lookahead once there is one).
type lexer struct {
	src      []byte
	pos      int
	start    int // where the last token read starts
	line     int
	lastLine int // line when the current token became current (llex.c's lastline)
	cur      token
	ahead    token
	hasAhead bool
}

// near renders a token for "near '...'".
func near(tk token) string {
	switch tk.t {
	case tkName, tkString, tkNumber:
		return tk.text
	}
	return tokenName(tk.t)
}

// fail raises a syntax error about the current token.
func (lx *lexer) fail(msg string) {
	panic(errSyntax{line: lx.line, msg: msg + " near '" + near(lx.cur) + "'"})
}

// lexFail raises an error found while reading a token, near the text read
// so far (or '<eof>').
func (lx *lexer) lexFail(msg, text string) {
	panic(errSyntax{line: lx.line, msg: msg + " near '" + text + "'"})
}

// next moves to the following token.
func (lx *lexer) next() {
	lx.lastLine = lx.line
	if lx.hasAhead {
		lx.cur, lx.hasAhead = lx.ahead, false
		return
	}
	lx.cur = lx.scan()
}

// lookahead reads the token after the current one.
func (lx *lexer) lookahead() int {
	if !lx.hasAhead {
		lx.ahead, lx.hasAhead = lx.scan(), true
	}
	return lx.ahead.t
}

func (lx *lexer) peek(off int) int {
	if lx.pos+off < len(lx.src) {
		return int(lx.src[lx.pos+off])
	}
	return -1
}

func isNewline(c int) bool { return c == '\n' || c == '\r' }

// newline skips one line break (\n, \r, \r\n or \n\r) and counts it.
func (lx *lexer) newline() {
	c := lx.peek(0)
	lx.pos++
	if d := lx.peek(0); isNewline(d) && d != c {
		lx.pos++
	}
	lx.line++
}

func isDigit(c int) bool { return c >= '0' && c <= '9' }
func isAlpha(c int) bool { return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') }
func isAlnum(c int) bool { return isAlpha(c) || isDigit(c) }

// scan reads one token.
func (lx *lexer) scan() token {
	for {
		lx.start = lx.pos
		c := lx.peek(0)
		switch {
		case c < 0:
			return token{t: tkEOS}
		case isNewline(c):
			lx.newline()
		case c == ' ' || c == '\t' || c == '\f' || c == '\v':
			lx.pos++
		case c == '-':
			if lx.peek(1) != '-' {
				lx.pos++
				return token{t: '-'}
			}
			lx.pos += 2
			if lx.peek(0) == '[' {
				start := lx.pos
				if sep := lx.sep(); sep >= 0 {
					lx.longString(sep, "comment", start)
					continue
				}
				lx.pos = start
			}
			for c := lx.peek(0); c >= 0 && !isNewline(c); c = lx.peek(0) {
				lx.pos++
			}
		case c == '[':
			start := lx.pos
			sep := lx.sep()
			if sep >= 0 {
				return token{t: tkString, text: lx.longString(sep, "string", start)}
			}
			if sep == -1 {
				return token{t: '['}
			}
			lx.lexFail("invalid long string delimiter", string(lx.src[start:lx.pos]))
		case c == '=' || c == '<' || c == '>' || c == '~':
			lx.pos++
			if lx.peek(0) != '=' {
				return token{t: c}
			}
			lx.pos++
			return token{t: map[int]int{'=': tkEq, '<': tkLe, '>': tkGe, '~': tkNe}[c]}
		case c == '"' || c == '\'':
			return lx.shortString(c)
		case c == '.':
			if lx.peek(1) == '.' {
				if lx.peek(2) == '.' {
					lx.pos += 3
					return token{t: tkDots}
				}
				lx.pos += 2
				return token{t: tkConcat}
			}
			if !isDigit(lx.peek(1)) {
				lx.pos++
				return token{t: '.'}
			}
			return lx.number()
		case isDigit(c):
			return lx.number()
		case isAlpha(c):
			start := lx.pos
			for isAlnum(lx.peek(0)) {
				lx.pos++
			}
			word := string(lx.src[start:lx.pos])
			if t, ok := reserved[word]; ok {
				return token{t: t}
			}
			return token{t: tkName, text: word}
		default:
			lx.pos++
			return token{t: c}
		}
	}
}

// sep reads a bracket ("[" or "]") and the '='s after it, and returns
// their count when the same bracket follows (a long bracket, whose second
// bracket is left unread), -1 for a lone bracket, and -(count)-1 otherwise.
func (lx *lexer) sep() int {
	open := lx.peek(0)
	lx.pos++
	n := 0
	for lx.peek(0) == '=' {
		lx.pos++
		n++
	}
	if lx.peek(0) == open {
		return n
	}
	return -n - 1
}

// longString reads a long string or comment from its second opening
// bracket and returns its text, brackets included.
func (lx *lexer) longString(sep int, what string, start int) string {
	lx.pos++
	if isNewline(lx.peek(0)) {
		lx.newline()
	}
	var b strings.Builder
	b.Write(lx.src[start:lx.pos])
	for {
		c := lx.peek(0)
		switch {
		case c < 0:
			panic(errSyntax{line: lx.line, msg: "unfinished long " + what + " near '<eof>'"})
		case c == ']' || c == '[':
			at := lx.pos
			s := lx.sep()
			b.Write(lx.src[at:lx.pos])
			if s != sep {
				continue
			}
			lx.pos++
			b.WriteByte(byte(c))
			if c == ']' {
				return b.String()
			}
			if sep == 0 {
				// [[ inside [[...]] (LUA_COMPAT_LSTR 1, 5.1's default)
				panic(errSyntax{line: lx.line, msg: "nesting of [[...]] is deprecated near '['"})
			}
		case isNewline(c):
			b.WriteByte('\n')
			lx.newline()
		default:
			b.WriteByte(byte(c))
			lx.pos++
		}
	}
}

// shortString reads a quoted string as llex.c does, escapes decoded, so
// that "near" shows the same text as C Lua.
func (lx *lexer) shortString(quote int) token {
	var b strings.Builder
	b.WriteByte(byte(quote))
	lx.pos++
	for {
		c := lx.peek(0)
		switch {
		case c == quote:
			lx.pos++
			b.WriteByte(byte(quote))
			return token{t: tkString, text: b.String()}
		case c < 0:
			lx.lexFail("unfinished string", "<eof>")
		case isNewline(c):
			lx.lexFail("unfinished string", b.String())
		case c == '\\':
			lx.pos++
			e := lx.peek(0)
			switch {
			case e < 0:
				continue // unfinished string at the next turn
			case isNewline(e):
				b.WriteByte('\n')
				lx.newline()
				continue
			case isDigit(e):
				n := 0
				for i := 0; i < 3 && isDigit(lx.peek(0)); i++ {
					n = n*10 + lx.peek(0) - '0'
					lx.pos++
				}
				if n > 255 {
					lx.lexFail("escape sequence too large", b.String())
				}
				b.WriteByte(byte(n))
				continue
			}
			if i := strings.IndexByte("abfnrtv", byte(e)); i >= 0 {
				b.WriteByte("\a\b\f\n\r\t\v"[i])
			} else {
				b.WriteByte(byte(e))
			}
			lx.pos++
		default:
			b.WriteByte(byte(c))
			lx.pos++
		}
	}
}

// number reads a numeral as llex.c does (digits and dots, an exponent,
// then any letters, digits and '_'), and refuses what does not convert.
func (lx *lexer) number() token {
	start := lx.pos
	for c := lx.peek(0); isDigit(c) || c == '.'; c = lx.peek(0) {
		lx.pos++
	}
	if c := lx.peek(0); c == 'e' || c == 'E' {
		lx.pos++
		if c := lx.peek(0); c == '+' || c == '-' {
			lx.pos++
		}
	}
	for c := lx.peek(0); isAlnum(c); c = lx.peek(0) {
		lx.pos++
	}
	text := string(lx.src[start:lx.pos])
	if !validNumber(text) {
		lx.lexFail("malformed number", text)
	}
	return token{t: tkNumber, text: text}
}

// validNumber reports whether C Lua 5.1 reads text as a number: all of it
// is what C's strtod reads (a decimal numeral, or a hexadecimal one with
// an optional binary exponent, as glibc reads them: 0x10, 0x1p4).
func validNumber(text string) bool {
	return strtodLen(text) == len(text)
}

// strtodLen is how much of text (a numeral: digits, dots, letters) glibc's
// strtod reads.
func strtodLen(text string) int {
	digits := func(i int, ok func(c int) bool) int {
		for i < len(text) && ok(int(text[i])) {
			i++
		}
		return i
	}
	isHex := func(c int) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
	digit, expo := isDigit, byte('e')
	i := 0
	if len(text) > 2 && text[0] == '0' && text[1]|0x20 == 'x' &&
		(isHex(int(text[2])) || text[2] == '.' && len(text) > 3 && isHex(int(text[3]))) {
		digit, expo, i = isHex, 'p', 2
	}
	j := digits(i, digit)
	k := j
	if k < len(text) && text[k] == '.' {
		k = digits(k+1, digit)
	}
	if k == i || k == i+1 && j == i {
		return 0 // no digit: strtod reads nothing (or only the "0" of "0x")
	}
	if k < len(text) && text[k]|0x20 == expo {
		e := k + 1
		if e < len(text) && (text[e] == '+' || text[e] == '-') {
			e++
		}
		if f := digits(e, isDigit); f > e {
			k = f
		}
	}
	return k
}

// Lexeme is a name or a numeral of a chunk, as C Lua 5.1's lexer reads
// it: src[Start:End].
type Lexeme struct {
	// Start and End are byte offsets in the chunk.
	Start, End int
	// Numeral marks a number; a Lexeme is a name otherwise.
	Numeral bool
}

// Lexemes calls fn with every name (reserved words aside: goto is a name
// in Lua 5.1) and every numeral of src in order, and reports whether src
// has no lexical error; it stops at the first.
func Lexemes(src []byte, fn func(Lexeme)) (ok bool) {
	lx := &lexer{src: src, line: 1}
	defer func() {
		if r := recover(); r != nil {
			if _, lexical := r.(errSyntax); !lexical {
				panic(r)
			}
			ok = false
		}
	}()
	for {
		switch tk := lx.scan(); tk.t {
		case tkEOS:
			return true
		case tkName, tkNumber:
			fn(Lexeme{Start: lx.start, End: lx.pos, Numeral: tk.t == tkNumber})
		}
	}
}
