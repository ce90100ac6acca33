package luapattern

import (
	"context"
	"strings"
)

// checkEvery is how many steps (roughly, bytes looked at) the matcher
// takes between two looks at the context: a few microseconds of work.
const checkEvery = 4096

// Capture is one capture of a Match: the bytes subject[Start:End] or, for
// a position capture "()", the position Start+1 (Start == End).
type Capture struct {
	// Start and End are 0-based byte offsets in the subject.
	Start, End int
	// Position marks a position capture.
	Position bool
}

// Match is where a pattern matched: subject[Start:End], and its captures
// in the order of their "(".
type Match struct {
	// Start and End are 0-based byte offsets in the subject.
	Start, End int
	// Captures has one element per capture of the pattern.
	Captures []Capture
}

// canceled unwinds a match whose context ended.
type canceled struct{ err error }

// machine is one search of a pattern in a subject.
type machine struct {
	p   *Pattern
	src string
	// slots holds, per capture k, slot 2k (start) and 2k+1 (end) as
	// offset<<1, or for a position capture the 1-based position<<1|1;
	// slots 0 and 1 are the whole match. A slot not set on the current
	// path is 0, except a position capture's, which keeps its last value.
	slots []int
	// high is the highest slot set since the search started at the
	// current position: a back-reference %n needs a slot above 2n.
	high int

	budget int
	done   <-chan struct{}
	ctx    context.Context
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

func (m *machine) set(k, v int) {
	m.slots[k] = v
	if k > m.high {
		m.high = k
	}
}

// match matches the items from pi on at subject offset s and returns where
// the match ends, or -1.
func (m *machine) match(s, pi int) int {
	m.tick(1)
	items, src := m.p.items, m.src
	n := len(src)
	for {
		if pi == len(items) {
			if m.p.tail && s != n {
				return -1
			}
			return s
		}
		it := &items[pi]
		switch it.op {
		case opSingle:
			switch it.q {
			case qOne:
				if s < n && it.set.has(src[s]) {
					s++
					pi++
					continue
				}
				return -1
			case qOpt:
				if s < n && it.set.has(src[s]) {
					if e := m.match(s+1, pi+1); e >= 0 {
						return e
					}
				}
				pi++
				continue
			case qStar:
				return m.greedy(s, pi)
			case qPlus:
				if s < n && it.set.has(src[s]) {
					return m.greedy(s+1, pi)
				}
				return -1
			default: // qMin
				for {
					if e := m.match(s, pi+1); e >= 0 {
						return e
					}
					if s < n && it.set.has(src[s]) {
						s++
						continue
					}
					return -1
				}
			}
		case opOpen, opClose:
			old := m.slots[it.k]
			m.set(it.k, s<<1)
			if e := m.match(s, pi+1); e >= 0 {
				return e
			}
			m.slots[it.k] = old
			return -1
		case opPosition:
			v := (s+1)<<1 | 1
			m.slots[it.k] = v
			m.set(it.k+1, v)
			pi++
		case opBackref:
			if m.high <= it.k {
				panic(&Error{Pos: PosNone, Message: "invalid capture index"})
			}
			lo, hi := m.slots[it.k]>>1, m.slots[it.k+1]>>1
			if lo > hi || hi > n {
				// gopher-lua fails here with a Go slice error: the
				// capture is still open, or a position capture at the
				// end of the subject.
				panic(&Error{Pos: PosNone, Message: "invalid capture index"})
			}
			l := hi - lo
			m.tick(l)
			if l > n-s || src[s:s+l] != src[lo:hi] {
				return -1
			}
			s += l
			pi++
		case opBalance:
			if s >= n || int(src[s]) != it.k {
				return -1
			}
			depth, j := 1, s+1
			for ; j < n; j++ {
				c := int(src[j])
				if c == it.close {
					if depth--; depth == 0 {
						break
					}
				}
				if c == it.k {
					depth++
				}
			}
			m.tick(j - s)
			if j >= n {
				return -1
			}
			s = j + 1
			pi++
		}
	}
}

// greedy matches item pi as many times as it can from s, then gives back
// one character at a time until the rest of the pattern matches.
func (m *machine) greedy(s, pi int) int {
	set, src := &m.p.items[pi].set, m.src
	i := 0
	for s+i < len(src) && set.has(src[s+i]) {
		i++
	}
	m.tick(i)
	if pi+1 == len(m.p.items) && !m.p.tail {
		return s + i
	}
	for ; i >= 0; i-- {
		if e := m.match(s+i, pi+1); e >= 0 {
			return e
		}
	}
	return -1
}

// next returns the first offset from sp at which a match can start.
func (m *machine) next(sp int) int {
	f := m.p.first
	if f == nil || sp >= len(m.src) {
		return sp
	}
	if c, ok := f.single(); ok {
		i := strings.IndexByte(m.src[sp:], c)
		if i < 0 {
			return len(m.src) + 1
		}
		return sp + i
	}
	for i := sp; i < len(m.src); i++ {
		if f.has(m.src[i]) {
			return i
		}
	}
	return len(m.src) + 1
}

// findAll is the search of gopher-lua's pm.Find: from each start position
// from init to the end of the subject (only init when the pattern is
// anchored), the first match there; after a match, the next start is its
// end or, for an empty match, the next position. It stops after a try
// leaves limit matches (so limit 0 stops only when the first try fails,
// and a negative limit never). It appends each match's slots (the whole
// match, then the captures, in the slot encoding) to out.
func (p *Pattern) findAll(ctx context.Context, subject string, init, limit int, out []int) (res []int, count int, err error) {
	stride := 2 * (p.ncap + 1)
	m := &machine{p: p, src: subject, slots: make([]int, stride), budget: checkEvery}
	if ctx != nil {
		m.ctx, m.done = ctx, ctx.Done()
	}
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case canceled:
				res, err = out, e.err
			case *Error:
				res, err = out, e
			default:
				panic(r)
			}
		}
	}()
	for sp, first := init, true; sp <= len(subject); first = false {
		if !first && !p.anchored {
			// A start where the first item cannot match fails at once;
			// skipping it changes nothing (limit counts matches).
			if sp = m.next(sp); sp > len(subject) {
				break
			}
		}
		m.tick(1)
		for i := 2; i <= m.high; i++ {
			m.slots[i] = 0
		}
		m.high = 0
		m.slots[0] = sp << 1
		e := m.match(sp, 0)
		sp++
		if e >= 0 {
			sp = max(sp, e)
			m.slots[1] = e << 1
			out = append(out, m.slots...)
			count++
		}
		if count == limit || p.anchored {
			break
		}
	}
	return out, count, nil
}

// decode turns one match's slots into a Match.
func decode(slots []int) Match {
	mt := Match{Start: slots[0] >> 1, End: slots[1] >> 1}
	for k := 2; k < len(slots); k += 2 {
		c := Capture{Start: slots[k] >> 1, End: slots[k+1] >> 1, Position: slots[k]&1 == 1}
		if c.Position {
			c.Start--
			c.End = c.Start
		}
		mt.Captures = append(mt.Captures, c)
	}
	return mt
}

// FindAll returns the matches of p in subject from the 0-based offset init
// on, as gsub and gmatch see them: after a match the search goes on at its
// end (one further for an empty match); an anchored pattern is tried at
// init only. It stops after limit matches when limit > 0; limit 0 stops
// at once when there is no match at init and otherwise has no limit,
// and a negative limit none. The error is an *Error for a malformed
// pattern or a back-reference the match cannot use, or the context's
// error when ctx ended during the search.
func (p *Pattern) FindAll(ctx context.Context, subject string, init, limit int) ([]Match, error) {
	slots, count, err := p.findAll(ctx, subject, init, limit, nil)
	if err != nil {
		return nil, err
	}
	stride := len(slots) / max(count, 1)
	ms := make([]Match, 0, count)
	for i := 0; i < count; i++ {
		ms = append(ms, decode(slots[i*stride:(i+1)*stride]))
	}
	return ms, nil
}

// Find returns the first match of p in subject at or after the 0-based
// offset init (string.find's search), and whether there is one. Errors are
// those of FindAll.
func (p *Pattern) Find(ctx context.Context, subject string, init int) (Match, bool, error) {
	slots, count, err := p.findAll(ctx, subject, init, 1, nil)
	if err != nil || count == 0 {
		return Match{}, false, err
	}
	return decode(slots), true, nil
}
