// Package luapattern is a Lua 5.1 pattern matcher (string.find, match,
// gmatch and gsub) that stops when its context ends.
//
// gopher-lua checks a state's context between Lua instructions, but its
// pattern matcher (github.com/yuin/gopher-lua/pm) runs a whole match inside
// one instruction and never looks at the context: a backtracking pattern
// such as "(.-)(.-)(.-)b" on a few thousand characters holds a CPU for hours
// after a deadline or an interrupt. This matcher counts its steps and polls
// the context every few thousand of them, ending the match with the
// context's error.
//
// Install puts the four functions (and the string.gfind alias) into a
// state's string library in place of gopher-lua's. They keep gopher-lua's
// behaviour exactly where scripts can see it: the same matches, captures
// and positions; the same handling of init, plain, negative indices, the
// gsub limit and replacement values; the same parse of malformed patterns
// with the same error messages. That includes where gopher-lua departs
// from the Lua 5.1 reference manual, for example:
//
//   - %f is not a frontier: it matches the letter f;
//   - a pattern ending in "%", or %b without its two characters, is not an
//     error but never matches; a trailing "%" in a gsub replacement is kept;
//   - "%x" in a gsub replacement string, x not a digit or "%", stays "%x";
//   - in a set, a range needs two plain characters ("[%a-z]" has an empty
//     range) and "[a-b-c]" matches nothing;
//   - there is no limit on the number of captures;
//   - a back-reference to a position capture matches the empty string,
//     and so does one to a capture still open that starts the subject;
//   - string.match returns no value at all when nothing matches;
//   - gsub's limit n stops after n matches when n > 0, and n = 0 is no
//     limit when the subject matches at its first position (no match
//     otherwise); a negative n is no limit;
//   - string.find with an empty pattern returns 1, 0 whatever init is, and
//     treats its fourth argument as plain only when it is the last one;
//   - gmatch finds every match when it is called and returns an iterator
//     function and a state value.
//
// Where gopher-lua fails with a Go runtime error (any other back-reference
// to a capture still open, or to a position capture at the end of the
// subject; plain find from beyond the end of the subject) or gives up (its
// recursion limit, "pattern/input too complex", which a subject of a
// million characters reaches with ".*"), this package raises "invalid
// capture index", returns nil, and matches, respectively.
//
// Compile and Pattern give Go code the same matcher.
package luapattern

import (
	"fmt"
	"math/bits"
)

// Error positions used by Error.Pos besides a byte offset in the pattern.
const (
	// PosEOS is Error.Pos when the pattern ended too early.
	PosEOS = -1
	// PosNone is Error.Pos for errors found while matching, which have no
	// position in the pattern.
	PosNone = -2
)

// Error is a malformed pattern, or a capture index that does not exist
// when the match reaches it. Its text is gopher-lua's: the message, then
// " at N" (N the 0-based offset of the last character read) or " at EOS".
type Error struct {
	// Pos is the byte offset, PosEOS or PosNone.
	Pos int
	// Message says what is wrong ("unexpected EOS", "invalid ')'",
	// "unfinished capture", "invalid capture index").
	Message string
}

// Error returns the message with its position, as gopher-lua words it.
func (e *Error) Error() string {
	switch e.Pos {
	case PosEOS:
		return e.Message + " at EOS"
	case PosNone:
		return e.Message
	default:
		return fmt.Sprintf("%s at %d", e.Message, e.Pos)
	}
}

// charSet is a set of bytes.
type charSet [4]uint64

func (s *charSet) has(c byte) bool { return s[c>>6]&(1<<(c&63)) != 0 }

func (s *charSet) add(c byte) { s[c>>6] |= 1 << (c & 63) }

func (s *charSet) addRange(lo, hi int) {
	for c := lo; c <= hi; c++ {
		s.add(byte(c))
	}
}

func (s *charSet) union(o *charSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s *charSet) invert() {
	for i := range s {
		s[i] = ^s[i]
	}
}

// single returns the only byte of a one-byte set.
func (s *charSet) single() (byte, bool) {
	n, at := 0, 0
	for i, w := range s {
		n += bits.OnesCount64(w)
		if w != 0 {
			at = i*64 + bits.TrailingZeros64(w)
		}
	}
	return byte(at), n == 1
}

// eos is what the scanner reads past the end of the pattern.
const eos = -1

// classSet is the set of %c: the class letters (upper case for the
// complement) or, for any other character, that character itself; past
// the end of the pattern, nothing.
func classSet(c int) charSet {
	var s charSet
	if c == eos {
		return s
	}
	lower := c
	if 'A' <= c && c <= 'Z' {
		lower = c + 'a' - 'A'
	}
	switch lower {
	case 'a':
		s.addRange('A', 'Z')
		s.addRange('a', 'z')
	case 'c':
		s.addRange(0x00, 0x1f)
		s.add(0x7f)
	case 'd':
		s.addRange('0', '9')
	case 'l':
		s.addRange('a', 'z')
	case 'p':
		s.addRange(0x21, 0x2f)
		s.addRange(0x3a, 0x40)
		s.addRange(0x5b, 0x60)
		s.addRange(0x7b, 0x7e)
	case 's':
		for _, b := range []byte(" \f\n\r\t\v") {
			s.add(b)
		}
	case 'u':
		s.addRange('A', 'Z')
	case 'w':
		s.addRange('0', '9')
		s.addRange('A', 'Z')
		s.addRange('a', 'z')
	case 'x':
		s.addRange('0', '9')
		s.addRange('a', 'f')
		s.addRange('A', 'F')
	case 'z':
		s.add(0)
	default:
		s.add(byte(c))
		return s
	}
	if lower != c {
		s.invert()
	}
	return s
}

// op is the kind of a pattern item.
type op uint8

const (
	opSingle   op = iota // one character of set, with quantifier q
	opOpen               // "(": capture start, slot k
	opClose              // ")": capture end, slot k
	opPosition           // "()": position capture, slots k and k+1
	opBackref            // "%1".."%9": capture n, slots k and k+1
	opBalance            // "%bxy": open and close are x and y (eos: never matches)
)

// Quantifiers of opSingle.
const (
	qOne  = 0
	qStar = '*'
	qPlus = '+'
	qMin  = '-'
	qOpt  = '?'
)

// item is one element of a compiled pattern.
type item struct {
	op    op
	q     byte
	k     int // slot (opOpen, opClose, opPosition, opBackref) or the open character (opBalance)
	close int // opBalance's close character
	set   charSet
}

// Pattern is a compiled Lua pattern.
type Pattern struct {
	items    []item
	anchored bool // starts with "^"
	tail     bool // ends with "$"
	ncap     int
	first    *charSet // what the first character of any match is, when the pattern says
}

// NumCaptures returns how many captures (including position captures) the
// pattern has.
func (p *Pattern) NumCaptures() int { return p.ncap }

// scanner reads a pattern. Past the end it returns eos, and once it has
// done so from next, pos reports the position as the end (gopher-lua's
// "at EOS").
type scanner struct {
	s    string
	p    int
	past bool
}

func (sc *scanner) next() int {
	if sc.p < len(sc.s) {
		c := sc.s[sc.p]
		sc.p++
		return int(c)
	}
	sc.past = true
	return eos
}

func (sc *scanner) peek() int {
	if sc.p < len(sc.s) {
		return int(sc.s[sc.p])
	}
	return eos
}

// peek2 is the character after the next one.
func (sc *scanner) peek2() int {
	if sc.p+1 < len(sc.s) {
		return int(sc.s[sc.p+1])
	}
	return eos
}

// pos is the offset of the last character read (0 before the first).
func (sc *scanner) pos() int {
	switch {
	case sc.past:
		return PosEOS
	case sc.p == 0:
		return 0
	default:
		return sc.p - 1
	}
}

// parser builds a Pattern; errors unwind as a panic of *Error.
type parser struct {
	sc  scanner
	pat *Pattern
}

func (ps *parser) fail(msg string) {
	panic(&Error{Pos: ps.sc.pos(), Message: msg})
}

// Compile parses a Lua pattern. Its error, for a malformed pattern, is an
// *Error.
func Compile(pattern string) (p *Pattern, err error) {
	ps := &parser{sc: scanner{s: pattern}, pat: &Pattern{}}
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*Error)
			if !ok {
				panic(r)
			}
			p, err = nil, e
		}
	}()
	ps.sequence(true)
	p = ps.pat
	if len(p.items) > 0 && !p.anchored {
		if it := &p.items[0]; it.op == opSingle && (it.q == qOne || it.q == qPlus) {
			p.first = &it.set
		}
	}
	return p, nil
}

func (ps *parser) add(it item) { ps.pat.items = append(ps.pat.items, it) }

// single adds one character of set s.
func (ps *parser) single(s charSet) { ps.add(item{op: opSingle, set: s}) }

func (ps *parser) literal(c int) {
	var s charSet
	s.add(byte(c))
	ps.single(s)
}

// sequence parses items up to the end of the pattern or, inside a
// capture, up to its ")" (left unread).
func (ps *parser) sequence(top bool) {
	sc := &ps.sc
	if top && sc.peek() == '^' {
		sc.next()
		ps.pat.anchored = true
	}
	for {
		c := sc.peek()
		switch c {
		case '%':
			switch d := sc.peek2(); {
			case d == '0':
				sc.next()
				ps.fail("invalid capture index")
			case '1' <= d && d <= '9':
				sc.next()
				sc.next()
				ps.add(item{op: opBackref, k: 2 * (d - '0')})
			case d == 'b':
				sc.next()
				sc.next()
				open := sc.next()
				ps.add(item{op: opBalance, k: open, close: sc.next()})
			default:
				ps.single(ps.class(true))
			}
		case '.', '[', ']':
			ps.single(ps.class(true))
		case ')':
			if top {
				ps.fail("invalid ')'")
			}
			return
		case '(':
			sc.next()
			ps.pat.ncap++
			k := 2 * ps.pat.ncap
			if sc.peek() == ')' {
				sc.next()
				ps.add(item{op: opPosition, k: k})
				continue
			}
			ps.add(item{op: opOpen, k: k})
			ps.sequence(false)
			if sc.peek() != ')' {
				ps.fail("unfinished capture")
			}
			sc.next()
			ps.add(item{op: opClose, k: k + 1})
		case '*', '+', '-', '?':
			sc.next()
			items := ps.pat.items
			if n := len(items); n > 0 && items[n-1].op == opSingle && items[n-1].q == qOne {
				items[n-1].q = byte(c)
				continue
			}
			ps.literal(c)
		case '$':
			if top && sc.p == len(sc.s)-1 {
				ps.pat.tail = true
			} else {
				ps.literal(c)
			}
			sc.next()
		case eos:
			sc.next()
			return
		default:
			sc.next()
			ps.literal(c)
		}
	}
}

// class reads one character class: "%x", a literal character or, when
// sets are allowed (outside a set), "." and "[...]".
func (ps *parser) class(sets bool) charSet {
	c := ps.sc.next()
	switch c {
	case '%':
		return classSet(ps.sc.next())
	case '.':
		if sets {
			var s charSet
			s.invert()
			return s
		}
	case '[':
		if sets {
			return ps.set()
		}
	case eos:
		ps.fail("unexpected EOS")
	}
	var s charSet
	s.add(byte(c))
	return s
}

// member is one element of a set: a plain character (which may start or
// end a range), a %x class or a range.
type member struct {
	plain bool
	c     int
	set   charSet
}

// set reads a set after its "[". A "]" or "-" first is a plain character;
// "-" between two members makes a range of them, which matches only when
// both are plain characters.
func (ps *parser) set() charSet {
	sc := &ps.sc
	negate := false
	if sc.peek() == '^' {
		sc.next()
		negate = true
	}
	var members []member
	isRange := false
	for {
		c := sc.peek()
		if c == eos {
			ps.fail("unexpected EOS")
		}
		if c == ']' && len(members) > 0 {
			sc.next()
			break
		}
		if c == '-' && len(members) > 0 {
			sc.next()
			isRange = true
			continue
		}
		plain := c != '%'
		m := member{plain: plain, c: c, set: ps.class(false)}
		members = append(members, m)
		if isRange {
			lo, hi := members[len(members)-2], members[len(members)-1]
			r := member{}
			if lo.plain && hi.plain {
				r.set.addRange(lo.c, hi.c)
			}
			members = append(members[:len(members)-2], r)
			isRange = false
		}
	}
	var s charSet
	for i := range members {
		s.union(&members[i].set)
	}
	if isRange {
		s.add('-')
	}
	if negate {
		s.invert()
	}
	return s
}
