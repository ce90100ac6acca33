package luapattern

import (
	"context"
	"strings"
)

// checkEvery is how many steps (roughly, bytes looked at) the matcher
// takes between two looks at the context: a few microseconds of work.
const checkEvery = 4096

// maxCaptures is C Lua 5.1's LUA_MAXCAPTURES.
const maxCaptures = 32

// maxDepth bounds the recursion of a match (one level per optional,
// repeated or captured item being tried), far below what would exhaust a
// goroutine's stack.
const maxDepth = 200000

// The length of a capture still open, and of a position capture.
const (
	capUnfinished = -1
	capPosition   = -2
)

// specials are the characters that make string.find search for a pattern
// rather than for the plain string.
const specials = "^$*+?.([%-"

// Character classes of the C locale, as bits of ctype.
const (
	cAlpha = 1 << iota
	cCntrl
	cDigit
	cLower
	cPunct
	cSpace
	cUpper
	cXdigit
)

var ctype = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		var b uint8
		switch {
		case 'a' <= c && c <= 'z':
			b = cAlpha | cLower
		case 'A' <= c && c <= 'Z':
			b = cAlpha | cUpper
		case '0' <= c && c <= '9':
			b = cDigit
		case c == ' ':
			b = cSpace
		case '\t' <= c && c <= '\r':
			b = cSpace | cCntrl
		case c < 0x20 || c == 0x7f:
			b = cCntrl
		case c < 0x7f:
			b = cPunct
		}
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' {
			b |= cXdigit
		}
		t[c] = b
	}
	return t
}()

// matchClass reports whether c is in the class %cl (an upper-case letter
// the complement; any other character stands for itself).
func matchClass(c, cl byte) bool {
	var in bool
	switch cl | 0x20 {
	case 'a':
		in = ctype[c]&cAlpha != 0
	case 'c':
		in = ctype[c]&cCntrl != 0
	case 'd':
		in = ctype[c]&cDigit != 0
	case 'l':
		in = ctype[c]&cLower != 0
	case 'p':
		in = ctype[c]&cPunct != 0
	case 's':
		in = ctype[c]&cSpace != 0
	case 'u':
		in = ctype[c]&cUpper != 0
	case 'w':
		in = ctype[c]&(cAlpha|cDigit) != 0
	case 'x':
		in = ctype[c]&cXdigit != 0
	case 'z':
		in = c == 0
	default:
		return cl == c
	}
	if ctype[cl]&cUpper != 0 {
		return !in
	}
	return in
}

// capture is an open or closed capture: its start and length, or
// capUnfinished or capPosition.
type capture struct {
	init, len int
}

// canceled unwinds a match whose context ended.
type canceled struct{ err error }

// machine matches one pattern in one subject. The pattern is read as it
// is matched, as C Lua reads it: it ends at its first NUL byte, and a
// malformed part is an error only when a match reaches it.
type machine struct {
	src   string
	pat   string
	level int
	caps  [maxCaptures]capture
	depth int

	budget int
	done   <-chan struct{}
	ctx    context.Context
}

func newMachine(ctx context.Context, pattern, subject string) *machine {
	if i := strings.IndexByte(pattern, 0); i >= 0 {
		pattern = pattern[:i]
	}
	m := &machine{src: subject, pat: pattern, budget: checkEvery}
	m.setContext(ctx)
	return m
}

// setContext makes the matcher stop when ctx ends (never, for nil).
func (m *machine) setContext(ctx context.Context) {
	m.ctx, m.done = ctx, nil
	if ctx != nil {
		m.done = ctx.Done()
	}
}

// anchor drops a leading "^" of the pattern and reports whether there
// was one.
func (m *machine) anchor() bool {
	if strings.HasPrefix(m.pat, "^") {
		m.pat = m.pat[1:]
		return true
	}
	return false
}

// fail raises C Lua's error msg.
func (m *machine) fail(msg string) { panic(&Error{Message: msg}) }

// recover turns the panics of fail and of the context into *err.
func (m *machine) recover(err *error) {
	if r := recover(); r != nil {
		switch e := r.(type) {
		case canceled:
			*err = e.err
		case *Error:
			*err = e
		default:
			panic(r)
		}
	}
}

// tick counts cost steps and, every checkEvery, looks at the context.
func (m *machine) tick(cost int) {
	m.budget -= cost
	if m.budget > 0 {
		return
	}
	m.budget = checkEvery
	if m.done == nil {
		return
	}
	select {
	case <-m.done:
		panic(canceled{m.ctx.Err()})
	default:
	}
}

// start tries a match at subject offset s with no captures open and
// returns where it ends, or -1.
func (m *machine) start(s int) int {
	m.level, m.depth = 0, 0
	return m.match(s, 0)
}

// pc is the pattern's character at i, 0 past its end.
func (m *machine) pc(i int) byte {
	if i < len(m.pat) {
		return m.pat[i]
	}
	return 0
}

// sc is the subject's character at i, 0 at its end (C Lua's terminator).
func (m *machine) sc(i int) byte {
	if i < len(m.src) {
		return m.src[i]
	}
	return 0
}

// match matches the pattern from offset p on at subject offset s and
// returns where the match ends, or -1.
func (m *machine) match(s, p int) int {
	if m.depth++; m.depth > maxDepth {
		m.fail("pattern too complex")
	}
	m.tick(1)
	r := m.items(s, p)
	m.depth--
	return r
}

// items is match's loop: single characters go on in place, the rest
// recurse.
func (m *machine) items(s, p int) int {
	src, pat := m.src, m.pat
	for {
		m.budget--
		if p >= len(pat) {
			return s
		}
		switch pat[p] {
		case '(':
			if m.pc(p+1) == ')' {
				return m.startCapture(s, p+2, capPosition)
			}
			return m.startCapture(s, p+1, capUnfinished)
		case ')':
			return m.endCapture(s, p+1)
		case '%':
			switch c := m.pc(p + 1); {
			case c == 'b':
				if s = m.balance(s, p+2); s < 0 {
					return -1
				}
				p += 4
				continue
			case c == 'f':
				p += 2
				if m.pc(p) != '[' {
					m.fail("missing '[' after '%f' in pattern")
				}
				ep := m.classEnd(p)
				var prev byte
				if s > 0 {
					prev = src[s-1]
				}
				if m.inSet(prev, p, ep-1) || !m.inSet(m.sc(s), p, ep-1) {
					return -1
				}
				p = ep
				continue
			case '0' <= c && c <= '9':
				if s = m.backref(s, c); s < 0 {
					return -1
				}
				p += 2
				continue
			}
		case '$':
			if p+1 == len(pat) {
				if s == len(src) {
					return s
				}
				return -1
			}
		}
		ep := m.classEnd(p)
		matched := s < len(src) && m.single(src[s], p, ep)
		switch m.pc(ep) {
		case '?':
			if matched {
				if r := m.match(s+1, ep+1); r >= 0 {
					return r
				}
			}
			p = ep + 1
		case '*':
			return m.maxExpand(s, p, ep)
		case '+':
			if !matched {
				return -1
			}
			return m.maxExpand(s+1, p, ep)
		case '-':
			return m.minExpand(s, p, ep)
		default:
			if !matched {
				return -1
			}
			s++
			p = ep
		}
	}
}

// classEnd returns the end of the single-character class at p: "%x", a
// set "[...]" or one character.
func (m *machine) classEnd(p int) int {
	pat := m.pat
	c := pat[p]
	p++
	switch c {
	case '%':
		if p >= len(pat) {
			m.fail("malformed pattern (ends with '%')")
		}
		return p + 1
	case '[':
		if m.pc(p) == '^' {
			p++
		}
		for {
			// The first character, "]" included, is a member.
			if p >= len(pat) {
				m.fail("malformed pattern (missing ']')")
			}
			c := pat[p]
			p++
			if c == '%' && p < len(pat) {
				p++
			}
			if m.pc(p) == ']' {
				return p + 1
			}
		}
	}
	return p
}

// single reports whether c is in the class from p to ep.
func (m *machine) single(c byte, p, ep int) bool {
	switch m.pat[p] {
	case '.':
		return true
	case '%':
		return matchClass(c, m.pat[p+1])
	case '[':
		return m.inSet(c, p, ep-1)
	}
	return m.pat[p] == c
}

// inSet reports whether c is in the set from "[" at p to "]" at ec.
func (m *machine) inSet(c byte, p, ec int) bool {
	pat := m.pat
	in := true
	if pat[p+1] == '^' {
		in = false
		p++
	}
	for p++; p < ec; p++ {
		switch {
		case pat[p] == '%':
			p++
			if matchClass(c, pat[p]) {
				return in
			}
		case pat[p+1] == '-' && p+2 < ec:
			p += 2
			if pat[p-2] <= c && c <= pat[p] {
				return in
			}
		case pat[p] == c:
			return in
		}
	}
	return !in
}

// maxExpand matches the class p..ep as many times as it can from s, then
// gives back one character at a time until the rest matches.
func (m *machine) maxExpand(s, p, ep int) int {
	i := 0
	for s+i < len(m.src) && m.single(m.src[s+i], p, ep) {
		i++
	}
	m.tick(i)
	for ; i >= 0; i-- {
		if r := m.match(s+i, ep+1); r >= 0 {
			return r
		}
	}
	return -1
}

// minExpand matches the class p..ep as few times as the rest allows.
func (m *machine) minExpand(s, p, ep int) int {
	for {
		if r := m.match(s, ep+1); r >= 0 {
			return r
		}
		if s < len(m.src) && m.single(m.src[s], p, ep) {
			s++
			continue
		}
		return -1
	}
}

func (m *machine) startCapture(s, p, what int) int {
	if m.level >= maxCaptures {
		m.fail("too many captures")
	}
	m.caps[m.level] = capture{init: s, len: what}
	m.level++
	r := m.match(s, p)
	if r < 0 {
		m.level--
	}
	return r
}

func (m *machine) endCapture(s, p int) int {
	l := -1
	for i := m.level - 1; i >= 0; i-- {
		if m.caps[i].len == capUnfinished {
			l = i
			break
		}
	}
	if l < 0 {
		m.fail("invalid pattern capture")
	}
	m.caps[l].len = s - m.caps[l].init
	r := m.match(s, p)
	if r < 0 {
		m.caps[l].len = capUnfinished
	}
	return r
}

// backref matches the text of capture %c (a digit) at s.
func (m *machine) backref(s int, c byte) int {
	l := int(c) - '1'
	if l < 0 || l >= m.level || m.caps[l].len == capUnfinished {
		m.fail("invalid capture index")
	}
	cp := m.caps[l]
	if cp.len == capPosition {
		return -1 // C Lua compares a length of (size_t)-2: never enough subject
	}
	m.tick(cp.len)
	if len(m.src)-s >= cp.len && m.src[cp.init:cp.init+cp.len] == m.src[s:s+cp.len] {
		return s + cp.len
	}
	return -1
}

// balance matches %bxy (x and y at p) at s.
func (m *machine) balance(s, p int) int {
	if p+1 >= len(m.pat) {
		m.fail("unbalanced pattern")
	}
	open, close := m.pat[p], m.pat[p+1]
	if m.sc(s) != open {
		return -1
	}
	depth := 1
	for i := s + 1; i < len(m.src); i++ {
		switch m.src[i] {
		case close:
			if depth--; depth == 0 {
				m.tick(i - s)
				return i + 1
			}
		case open:
			depth++
		}
	}
	m.tick(len(m.src) - s)
	return -1
}
