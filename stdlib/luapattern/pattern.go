// Package luapattern is the Lua 5.1 pattern matcher of string.find, match,
// gmatch and gsub, which stops when its context ends.
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
// state's string library in place of gopher-lua's. They behave as C Lua
// 5.1.5's (lstrlib.c), which their tests compare them with: the frontier
// pattern %f[set]; a pattern read as it is matched, so that a malformed
// part is an error only when a match reaches it, with C Lua's words
// ("malformed pattern (ends with '%')", "malformed pattern (missing ']')",
// "missing '[' after '%f' in pattern", "unbalanced pattern", "invalid
// pattern capture", "invalid capture index", "unfinished capture", "too
// many captures" past 32); a pattern ending at its first NUL byte (use %z);
// string.find's plain search when the pattern has no special character;
// gmatch reading a leading "^" as the character "^"; gsub's replacement
// string, where "%x" is "x" for x not a digit. Past C Lua, a match nested
// more than 200,000 calls deep (a pattern of that many optional or
// repeated items) is the error "pattern too complex", where C Lua would
// run out of C stack.
//
// Find and FindAll give Go code the same matcher.
package luapattern

import "context"

// Error is what C Lua 5.1 raises for a malformed pattern, a capture that
// does not exist when the match reaches it, or a match too deep.
type Error struct {
	// Message is C Lua's text, for example "malformed pattern (missing ']')".
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

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

// Find returns the first match of pattern in subject at or after the
// 0-based offset init, as string.find searches (a leading "^" anchors the
// match at init), and whether there is one. The error is an *Error, or
// the context's error when ctx ended during the search.
func Find(ctx context.Context, pattern, subject string, init int) (Match, bool, error) {
	ms, err := FindAll(ctx, pattern, subject, init, 1)
	if err != nil || len(ms) == 0 {
		return Match{}, false, err
	}
	return ms[0], true, nil
}

// FindAll returns the matches of pattern in subject from the 0-based offset
// init on, as gsub finds them: after a match the search goes on at its end
// (one further for an empty match); a leading "^" anchors the pattern at
// init. It stops after limit matches when limit >= 0. Errors are those of
// Find; a capture left unfinished is the error "unfinished capture".
func FindAll(ctx context.Context, pattern, subject string, init, limit int) (all []Match, err error) {
	m := newMachine(ctx, pattern, subject)
	defer m.recover(&err)
	anchor := m.anchor()
	for src := min(max(init, 0), len(subject)); limit < 0 || len(all) < limit; {
		e := m.start(src)
		if e >= 0 {
			mt := Match{Start: src, End: e}
			for i := 0; i < m.level; i++ {
				c := m.caps[i]
				switch c.len {
				case capUnfinished:
					m.fail("unfinished capture")
				case capPosition:
					mt.Captures = append(mt.Captures, Capture{Start: c.init, End: c.init, Position: true})
				default:
					mt.Captures = append(mt.Captures, Capture{Start: c.init, End: c.init + c.len})
				}
			}
			all = append(all, mt)
		}
		if e > src {
			src = e
		} else if src < len(subject) {
			src++
		} else {
			break
		}
		if anchor {
			break
		}
	}
	return all, nil
}
