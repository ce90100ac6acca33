package luapattern

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Install replaces string.find, string.match, string.gmatch (and its alias
// string.gfind) and string.gsub in L's string library with this package's,
// which end with the error of L's context (L.Context()) when it is
// cancelled or its deadline passes. Call it after the string library is
// open; it does nothing when there is none. Methods on strings
// (s:find(...)) see the new functions too.
func Install(L *lua.LState) {
	var tables []*lua.LTable
	if t, ok := L.GetGlobal(lua.StringLibName).(*lua.LTable); ok {
		tables = append(tables, t)
	}
	if mt, ok := L.GetMetatable(lua.LString("")).(*lua.LTable); ok {
		if t, ok := mt.RawGetString("__index").(*lua.LTable); ok && (len(tables) == 0 || t != tables[0]) {
			tables = append(tables, t)
		}
	}
	if len(tables) == 0 {
		return
	}
	find, match, gsub := L.NewFunction(strFind), L.NewFunction(strMatch), L.NewFunction(strGsub)
	gmatch := L.NewClosure(strGmatch, L.NewFunction(gmatchIter))
	for _, t := range tables {
		t.RawSetString("find", find)
		t.RawSetString("match", match)
		t.RawSetString("gmatch", gmatch)
		t.RawSetString("gfind", gmatch)
		t.RawSetString("gsub", gsub)
	}
}

// search compiles pattern and runs findAll under L's context, raising the
// error (as gopher-lua does, with the caller's position) when there is one.
func search(L *lua.LState, pattern, subject string, init, limit int) ([]int, int) {
	p, err := Compile(pattern)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	slots, count, err := p.findAll(L.Context(), subject, init, limit, nil)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	return slots, count
}

// pushCapture pushes capture k of a match (k >= 2): its text, or its
// position as a number.
func pushCapture(L *lua.LState, subject string, slots []int, k int) {
	if slots[k]&1 == 1 {
		L.Push(lua.LNumber(slots[k] >> 1))
		return
	}
	L.Push(lua.LString(subject[slots[k]>>1 : slots[k+1]>>1]))
}

// pushCaptures pushes a match's captures, or the whole match when it has
// none, and returns how many values it pushed.
func pushCaptures(L *lua.LState, subject string, slots []int) int {
	if len(slots) == 2 {
		L.Push(lua.LString(subject[slots[0]>>1 : slots[1]>>1]))
		return 1
	}
	for k := 2; k < len(slots); k += 2 {
		pushCapture(L, subject, slots, k)
	}
	return len(slots)/2 - 1
}

// strFind is string.find(s, pattern [, init [, plain]]).
func strFind(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	if pattern == "" {
		L.Push(lua.LNumber(1))
		L.Push(lua.LNumber(0))
		return 2
	}
	init := startIndex(len(str), L.OptInt(3, 1))
	if L.GetTop() == 4 && lua.LVAsBool(L.Get(4)) {
		pos := -1
		if init <= len(str) {
			pos = strings.Index(str[init:], pattern)
		}
		if pos < 0 {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(lua.LNumber(init + pos + 1))
		L.Push(lua.LNumber(init + pos + len(pattern)))
		return 2
	}
	slots, count := search(L, pattern, str, init, 1)
	if count == 0 {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(lua.LNumber(slots[0]>>1 + 1))
	L.Push(lua.LNumber(slots[1] >> 1))
	for k := 2; k < len(slots); k += 2 {
		pushCapture(L, str, slots, k)
	}
	return len(slots)/2 + 1
}

// startIndex is string.find's init as a 0-based offset: negative counts
// from the end, and before the start is the start.
func startIndex(l, i int) int {
	if i != 0 {
		i--
	}
	if i < 0 {
		i = l + i + 1
	}
	return max(i, 0)
}

// strMatch is string.match(s, pattern [, init]); like gopher-lua's, it
// returns no value when nothing matches.
func strMatch(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	offset := L.OptInt(3, 1)
	if offset < 0 {
		offset = len(str) + offset + 1
	}
	offset = max(offset-1, 0)
	slots, count := search(L, pattern, str, offset, 1)
	if count == 0 {
		return 0
	}
	return pushCaptures(L, str, slots)
}

// gmatchState is what gmatch's iterator walks: every match, found when
// gmatch is called.
type gmatchState struct {
	str    string
	slots  []int
	stride int
	count  int
	next   int
}

// strGmatch is string.gmatch(s, pattern): it returns the iterator (its
// upvalue) and the state.
func strGmatch(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	slots, count := search(L, pattern, str, 0, -1)
	st := &gmatchState{str: str, slots: slots, count: count}
	if count > 0 {
		st.stride = len(slots) / count
	}
	L.Push(L.Get(lua.UpvalueIndex(1)))
	ud := L.NewUserData()
	ud.Value = st
	L.Push(ud)
	return 2
}

// gmatchIter returns the next match's captures (or the whole match), and
// nothing after the last.
func gmatchIter(L *lua.LState) int {
	st, ok := L.CheckUserData(1).Value.(*gmatchState)
	if !ok {
		L.ArgError(1, "string.gmatch state expected")
	}
	if st.next >= st.count {
		return 0
	}
	i := st.next
	st.next++
	return pushCaptures(L, st.str, st.slots[i*st.stride:(i+1)*st.stride])
}

// strGsub is string.gsub(s, pattern, repl [, n]).
func strGsub(L *lua.LState) int {
	str := L.CheckString(1)
	pattern := L.CheckString(2)
	L.CheckTypes(3, lua.LTString, lua.LTTable, lua.LTFunction)
	repl := L.CheckAny(3)
	limit := L.OptInt(4, -1)
	slots, count := search(L, pattern, str, 0, limit)
	if count == 0 {
		L.SetTop(1)
		L.Push(lua.LNumber(0))
		return 2
	}
	stride := len(slots) / count
	var b strings.Builder
	b.Grow(len(str))
	last := 0
	var pieces []replPiece
	if s, ok := repl.(lua.LString); ok {
		pieces = parseRepl(string(s))
	}
	for i := 0; i < count; i++ {
		ms := slots[i*stride : (i+1)*stride]
		start, end := ms[0]>>1, ms[1]>>1
		var with string
		replace := true
		switch r := repl.(type) {
		case lua.LString:
			with = expand(L, str, ms, pieces)
		case *lua.LTable:
			k := 0
			if len(ms) > 2 {
				k = 2
			}
			var v lua.LValue
			if ms[k]&1 == 1 {
				v = L.GetTable(r, lua.LNumber(ms[k]>>1))
			} else {
				v = L.GetField(r, str[ms[k]>>1:ms[k+1]>>1])
			}
			replace, with = lua.LVAsBool(v), lua.LVAsString(v)
		case *lua.LFunction:
			L.Push(r)
			n := pushCaptures(L, str, ms)
			L.Call(n, 1)
			v := L.Get(-1)
			L.Pop(1)
			replace, with = lua.LVAsBool(v), lua.LVAsString(v)
		}
		if replace {
			b.WriteString(str[last:start])
			b.WriteString(with)
			last = end
		}
	}
	b.WriteString(str[last:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(count))
	return 2
}

// replPiece is a piece of a gsub replacement string: text, or capture
// n (0 the whole match) when ref.
type replPiece struct {
	text string
	n    int
	ref  bool
}

// parseRepl splits a replacement string as gopher-lua reads it: "%%" is
// "%", "%d" a capture, a "%" before anything else or at the end stays.
func parseRepl(s string) []replPiece {
	var pieces []replPiece
	var text []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' || i == len(s)-1 {
			text = append(text, c)
			continue
		}
		d := s[i+1]
		i++
		switch {
		case d == '%':
			text = append(text, '%')
		case '0' <= d && d <= '9':
			if len(text) > 0 {
				pieces = append(pieces, replPiece{text: string(text)})
				text = text[:0]
			}
			pieces = append(pieces, replPiece{n: int(d - '0'), ref: true})
		default:
			text = append(text, '%', d)
		}
	}
	if len(text) > 0 {
		pieces = append(pieces, replPiece{text: string(text)})
	}
	return pieces
}

// expand builds a replacement from pieces for one match (slots ms). %1
// with no captures is the whole match; a capture the pattern does not
// have is an error.
func expand(L *lua.LState, str string, ms []int, pieces []replPiece) string {
	if len(pieces) == 1 && !pieces[0].ref {
		return pieces[0].text
	}
	var b strings.Builder
	for _, p := range pieces {
		if !p.ref {
			b.WriteString(p.text)
			continue
		}
		k := 2 * p.n
		if k > 2 && k >= len(ms) {
			L.RaiseError("invalid capture index")
		}
		if k >= len(ms) {
			k = 0
		}
		if ms[k]&1 == 1 {
			b.WriteString(strconv.Itoa(ms[k] >> 1))
		} else {
			b.WriteString(str[ms[k]>>1 : ms[k+1]>>1])
		}
	}
	return b.String()
}
