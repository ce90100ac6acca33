package luadiag

import "fmt"

// maxLevels is how deeply blocks and expressions may nest, as C Lua's
// LUAI_MAXCCALLS bounds its parser's recursion.
const maxLevels = 200

// checker walks a chunk with Lua 5.1's grammar, only to find the first
// error the way lparser.c reports it. It builds nothing.
type checker struct {
	lexer
	levels int
	fn     *funcState
}

// funcState is what the checker knows of the function being read.
type funcState struct {
	vararg bool
	loops  int // enclosing loops, for break
	line   int // where it is defined, 0 for the main chunk
	active int // local variables in scope
}

// maxLocals is how many local variables a function may have in scope at
// once in Lua 5.1 (LUAI_MAXVARS).
const maxLocals = 200

// local declares the local variable numbered pending (from 0) of the
// statement being read, which all come into scope together at its end
// (see activate), and refuses one more than maxLocals.
func (c *checker) local(pending int) {
	if c.fn.active+pending+1 <= maxLocals {
		return
	}
	what := "main function"
	if c.fn.line > 0 {
		what = fmt.Sprintf("function at line %d", c.fn.line)
	}
	panic(errSyntax{line: c.line, msg: fmt.Sprintf("%s has more than %d local variables", what, maxLocals)})
}

// activate brings n declared local variables into scope.
func (c *checker) activate(n int) { c.fn.active += n }

// check returns the first syntax error of src, or ok false when Lua 5.1
// reads it without error.
func check(src []byte) (line int, msg string, ok bool) {
	c := &checker{lexer: lexer{src: src, line: 1}}
	defer func() {
		if r := recover(); r != nil {
			e, isSyntax := r.(errSyntax)
			if !isSyntax {
				panic(r)
			}
			line, msg, ok = e.line, e.msg, true
		}
	}()
	c.fn = &funcState{vararg: true}
	c.next()
	c.chunk()
	c.checkToken(tkEOS)
	return 0, "", false
}

func (c *checker) enter() {
	c.levels++
	if c.levels > maxLevels {
		panic(errSyntax{line: c.line, msg: "chunk has too many syntax levels"})
	}
}

func (c *checker) leave() { c.levels-- }

func (c *checker) testNext(t int) bool {
	if c.cur.t == t {
		c.next()
		return true
	}
	return false
}

func (c *checker) expected(t int) {
	c.fail("'" + tokenName(t) + "' expected")
}

func (c *checker) checkToken(t int) {
	if c.cur.t != t {
		c.expected(t)
	}
}

func (c *checker) checkNext(t int) {
	c.checkToken(t)
	c.next()
}

// match reads the token closing what opened at line `where`.
func (c *checker) match(what, who, where int) {
	if c.testNext(what) {
		return
	}
	if where == c.line {
		c.expected(what)
	}
	c.fail(fmt.Sprintf("'%s' expected (to close '%s' at line %d)", tokenName(what), tokenName(who), where))
}

func (c *checker) name() {
	c.checkNext(tkName)
}

func blockFollow(t int) bool {
	switch t {
	case tkElse, tkElseif, tkEnd, tkUntil, tkEOS:
		return true
	}
	return false
}

// chunk reads statements up to the end of a block; return and break end it.
func (c *checker) chunk() {
	c.enter()
	active := c.fn.active
	defer func() { c.fn.active = active }()
	last := false
	for !last && !blockFollow(c.cur.t) {
		// An empty statement (";" alone) is Lua 5.2: here, as in C Lua
		// 5.1, an unexpected symbol.
		last = c.statement()
		c.testNext(';')
	}
	c.leave()
}

// loopBody reads a block that break may leave.
func (c *checker) loopBody() {
	c.fn.loops++
	c.chunk()
	c.fn.loops--
}

// statement reads one statement and reports whether it must be the last.
func (c *checker) statement() bool {
	line := c.line
	switch c.cur.t {
	case tkIf:
		c.thenBlock()
		for c.cur.t == tkElseif {
			c.thenBlock()
		}
		if c.testNext(tkElse) {
			c.chunk()
		}
		c.match(tkEnd, tkIf, line)
	case tkWhile:
		c.next()
		c.expr()
		c.checkNext(tkDo)
		c.loopBody()
		c.match(tkEnd, tkWhile, line)
	case tkDo:
		c.next()
		c.chunk()
		c.match(tkEnd, tkDo, line)
	case tkFor:
		c.forStat(line)
	case tkRepeat:
		c.next()
		c.loopBody()
		c.match(tkUntil, tkRepeat, line)
		c.expr()
	case tkFunction:
		c.next()
		c.name()
		for c.testNext('.') {
			c.name()
		}
		method := c.testNext(':')
		if method {
			c.name()
		}
		c.body(line, method)
	case tkLocal:
		c.next()
		if c.testNext(tkFunction) {
			c.name()
			c.local(0)
			c.activate(1)
			c.body(c.line, false)
			break
		}
		n := 0
		for {
			c.name()
			c.local(n)
			n++
			if !c.testNext(',') {
				break
			}
		}
		if c.testNext('=') {
			c.exprList()
		}
		c.activate(n)
	case tkReturn:
		c.next()
		if !blockFollow(c.cur.t) && c.cur.t != ';' {
			c.exprList()
		}
		return true
	case tkBreak:
		c.next()
		if c.fn.loops == 0 {
			c.fail("no loop to break")
		}
		return true
	default:
		// A label ("::name::") and "goto name" are Lua 5.2: here, as in
		// C Lua 5.1, ':' is an unexpected symbol and goto a name.
		c.exprStat()
	}
	return false
}

// thenBlock reads "if/elseif cond then block".
func (c *checker) thenBlock() {
	c.next()
	c.expr()
	c.checkNext(tkThen)
	c.chunk()
}

// forStat reads both forms of for.
func (c *checker) forStat(line int) {
	c.next()
	c.name()
	// The loop's hidden variables ((for index), (for limit), (for step);
	// (for generator), (for state), (for control)) come first.
	outer := c.fn.active
	vars := 1
	switch c.cur.t {
	case '=':
		for i := range 4 {
			c.local(i)
		}
		c.next()
		c.expr()
		c.checkNext(',')
		c.expr()
		if c.testNext(',') {
			c.expr()
		}
	case ',', tkIn:
		for i := range 4 {
			c.local(i)
		}
		for c.testNext(',') {
			c.name()
			c.local(3 + vars)
			vars++
		}
		c.checkNext(tkIn)
		c.exprList()
	default:
		c.fail("'=' or 'in' expected")
	}
	c.checkNext(tkDo)
	c.activate(3 + vars)
	c.loopBody()
	c.fn.active = outer
	c.match(tkEnd, tkFor, line)
}

// body reads a function's parameters and block.
func (c *checker) body(line int, method bool) {
	outer := c.fn
	c.fn = &funcState{line: line}
	if method {
		c.local(0) // self
		c.activate(1)
	}
	c.checkNext('(')
	n := 0
	if c.cur.t != ')' {
		for {
			if c.cur.t == tkDots {
				c.next()
				c.fn.vararg = true
				c.local(n) // Lua 5.1's arg
				n++
				break
			}
			if c.cur.t != tkName {
				c.fail("<name> or '...' expected")
			}
			c.next()
			c.local(n)
			n++
			if !c.testNext(',') {
				break
			}
		}
	}
	c.activate(n)
	c.checkNext(')')
	c.chunk()
	c.match(tkEnd, tkFunction, line)
	c.fn = outer
}

// exprStat reads a call statement or an assignment.
func (c *checker) exprStat() {
	kind := c.primary()
	if kind == kindCall {
		return
	}
	for {
		if kind != kindVar {
			c.fail("syntax error")
		}
		if !c.testNext(',') {
			break
		}
		kind = c.primary()
	}
	c.checkNext('=')
	c.exprList()
}

func (c *checker) exprList() {
	c.expr()
	for c.testNext(',') {
		c.expr()
	}
}

// What a prefix expression is: a call, something assignable, or a
// parenthesised expression.
const (
	kindCall = iota
	kindVar
	kindExpr
)

// primary reads a prefix expression with its suffixes and tells its kind.
func (c *checker) primary() (kind int) {
	switch c.cur.t {
	case tkName:
		c.next()
		kind = kindVar
	case '(':
		kind = kindExpr
		line := c.line
		c.next()
		c.expr()
		c.match(')', '(', line)
	default:
		c.fail("unexpected symbol")
	}
	for {
		switch c.cur.t {
		case '.':
			c.next()
			c.name()
			kind = kindVar
		case '[':
			c.next()
			c.expr()
			c.checkNext(']')
			kind = kindVar
		case ':':
			c.next()
			c.name()
			c.args()
			kind = kindCall
		case '(', tkString, '{':
			c.args()
			kind = kindCall
		default:
			return kind
		}
	}
}

// args reads a call's arguments.
func (c *checker) args() {
	line := c.line
	switch c.cur.t {
	case '(':
		if c.line != c.lastLine {
			// f\n(g): a call, or a new statement? Lua 5.1 refuses to guess.
			c.fail("ambiguous syntax (function call x new statement)")
		}
		c.next()
		if c.cur.t != ')' {
			c.exprList()
		}
		c.match(')', '(', line)
	case '{':
		c.table()
	case tkString:
		c.next()
	default:
		c.fail("function arguments expected")
	}
}

// table reads a table constructor.
func (c *checker) table() {
	line := c.line
	c.checkNext('{')
	for c.cur.t != '}' {
		switch c.cur.t {
		case tkName:
			if c.lookahead() == '=' {
				c.next()
				c.next()
			}
			c.expr()
		case '[':
			c.next()
			c.expr()
			c.checkNext(']')
			c.checkNext('=')
			c.expr()
		default:
			c.expr()
		}
		if !c.testNext(',') && !c.testNext(';') {
			break
		}
	}
	c.match('}', '{', line)
}

// priority is the left and right binding power of a binary operator, as
// in Lua 5.1; ok is false for tokens that are not binary operators.
func priority(t int) (left, right int, ok bool) {
	switch t {
	case '+', '-':
		return 6, 6, true
	case '*', '/', '%':
		return 7, 7, true
	case '^':
		return 10, 9, true
	case tkConcat:
		return 5, 4, true
	case tkEq, tkNe, '<', tkLe, '>', tkGe:
		return 3, 3, true
	case tkAnd:
		return 2, 2, true
	case tkOr:
		return 1, 1, true
	}
	return 0, 0, false
}

// unaryPriority is the binding power of not, - and #.
const unaryPriority = 8

func (c *checker) expr() { c.subexpr(0) }

// subexpr reads an expression whose binary operators bind tighter than
// limit, recursing as deeply as lparser.c does.
func (c *checker) subexpr(limit int) {
	c.enter()
	switch c.cur.t {
	case tkNot, '-', '#':
		c.next()
		c.subexpr(unaryPriority)
	default:
		c.simple()
	}
	for {
		left, right, ok := priority(c.cur.t)
		if !ok || left <= limit {
			break
		}
		c.next()
		c.subexpr(right)
	}
	c.leave()
}

// simple reads a value, a constructor, a function or a prefix expression.
func (c *checker) simple() {
	switch c.cur.t {
	case tkNumber, tkString, tkNil, tkTrue, tkFalse:
		c.next()
	case tkDots:
		if !c.fn.vararg {
			c.fail("cannot use '...' outside a vararg function")
		}
		c.next()
	case '{':
		c.table()
	case tkFunction:
		c.next()
		c.body(c.line, false)
	default:
		c.primary()
	}
}
