package luapattern

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Conversions are how the installed functions convert numbers to strings
// and strings to numbers, as C Lua's lua_tolstring and lua_tonumber do.
// A nil field is gopher-lua's conversion.
type Conversions struct {
	// NumberString writes a number that gsub puts into its result (a
	// number replacement, or a number the replacement function or table
	// gives).
	NumberString func(float64) string
	// StringNumber reads a string given where a number is expected
	// (find's and match's init, gsub's n): string.find(s, p, "2").
	StringNumber func(string) (float64, bool)
}

// Install replaces string.find, string.match, string.gmatch (and its alias
// string.gfind) and string.gsub in L's string library with this package's,
// which end with the error of L's context (L.Context()) when it is
// cancelled or its deadline passes. Call it after the string library is
// open; it does nothing when there is none. Methods on strings
// (s:find(...)) see the new functions too.
func Install(L *lua.LState, conv Conversions) {
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
	if conv.NumberString == nil {
		conv.NumberString = func(f float64) string { return lua.LNumber(f).String() }
	}
	if conv.StringNumber == nil {
		conv.StringNumber = func(s string) (float64, bool) {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			return f, err == nil
		}
	}
	lib := &library{conv: conv}
	find, match := L.NewFunction(lib.find), L.NewFunction(lib.match)
	gmatch, gsub := L.NewFunction(lib.gmatch), L.NewFunction(lib.gsub)
	for _, t := range tables {
		t.RawSetString("find", find)
		t.RawSetString("match", match)
		t.RawSetString("gmatch", gmatch)
		t.RawSetString("gfind", gmatch)
		t.RawSetString("gsub", gsub)
	}
}

// library holds what the installed functions share.
type library struct {
	conv Conversions
}

// optInt is luaL_optinteger: argument n as an integer (a number, or a
// string holding one, truncated), def when it is nil or absent.
func (lib *library) optInt(L *lua.LState, n, def int) int {
	var f float64
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return def
	case lua.LNumber:
		f = float64(v)
	case lua.LString:
		var ok bool
		if f, ok = lib.conv.StringNumber(string(v)); !ok {
			L.TypeError(n, lua.LTNumber)
		}
	default:
		L.TypeError(n, lua.LTNumber)
	}
	if math.IsNaN(f) || f >= math.MaxInt64 || f <= math.MinInt64 {
		return math.MinInt64 // what C's conversion gives
	}
	return int(f)
}

// raise raises err (an *Error or the context's) as a Lua error.
func raise(L *lua.LState, err error) {
	L.RaiseError("%s", err.Error())
}

// try runs a match at s, raising its error in L.
func (m *machine) try(L *lua.LState, s int) int {
	e, err := m.protected(s)
	if err != nil {
		raise(L, err)
	}
	return e
}

func (m *machine) protected(s int) (e int, err error) {
	defer m.recover(&err)
	return m.start(s), nil
}

// pushCapture pushes capture i of the match s..e (C Lua's
// push_onecapture): with no captures, capture 0 is the whole match.
func (m *machine) pushCapture(L *lua.LState, i, s, e int) {
	if i >= m.level {
		if i != 0 {
			L.RaiseError("invalid capture index")
		}
		L.Push(lua.LString(m.src[s:e]))
		return
	}
	switch c := m.caps[i]; c.len {
	case capUnfinished:
		L.RaiseError("unfinished capture")
	case capPosition:
		L.Push(lua.LNumber(c.init + 1))
	default:
		L.Push(lua.LString(m.src[c.init : c.init+c.len]))
	}
}

// pushCaptures pushes every capture, or the whole match s..e when there
// are none and whole is set, and returns how many values it pushed.
func (m *machine) pushCaptures(L *lua.LState, s, e int, whole bool) int {
	n := m.level
	if n == 0 && whole {
		n = 1
	}
	for i := range n {
		m.pushCapture(L, i, s, e)
	}
	return n
}

// startOffset is C Lua 5.1's start position (argument 3, default 1) as a
// 0-based offset: negative counts from the end, and it is kept between
// the start and the end of the subject.
func (lib *library) startOffset(L *lua.LState, l int) int {
	init := lib.optInt(L, 3, 1)
	if init < 0 {
		init += l + 1
	}
	return min(max(init-1, 0), l)
}

// find is string.find(s, pattern [, init [, plain]]).
func (lib *library) find(L *lua.LState) int { return lib.findAux(L, true) }

// match is string.match(s, pattern [, init]).
func (lib *library) match(L *lua.LState) int { return lib.findAux(L, false) }

// findAux is C Lua's str_find_aux: find returns the positions and the
// captures, match the captures or the whole match; nil when nothing
// matches.
func (lib *library) findAux(L *lua.LState, find bool) int {
	s := L.CheckString(1)
	p := L.CheckString(2)
	init := lib.startOffset(L, len(s))
	if find {
		cp := p
		if i := strings.IndexByte(cp, 0); i >= 0 {
			cp = cp[:i]
		}
		if lua.LVAsBool(L.Get(4)) || !strings.ContainsAny(cp, specials) {
			if i := strings.Index(s[init:], p); i >= 0 {
				L.Push(lua.LNumber(init + i + 1))
				L.Push(lua.LNumber(init + i + len(p)))
				return 2
			}
			L.Push(lua.LNil)
			return 1
		}
	}
	m := newMachine(L.Context(), p, s)
	anchor := m.anchor()
	for s1 := init; ; s1++ {
		if e := m.try(L, s1); e >= 0 {
			if find {
				L.Push(lua.LNumber(s1 + 1))
				L.Push(lua.LNumber(e))
				return m.pushCaptures(L, 0, 0, false) + 2
			}
			return m.pushCaptures(L, s1, e, true)
		}
		if s1 >= len(s) || anchor {
			break
		}
	}
	L.Push(lua.LNil)
	return 1
}

// gmatch is string.gmatch(s, pattern): an iterator over the matches,
// which a leading "^" does not anchor (it matches the character "^").
func (lib *library) gmatch(L *lua.LState) int {
	s := L.CheckString(1)
	p := L.CheckString(2)
	pos := 0
	m := newMachine(L.Context(), p, s)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		m.setContext(L.Context())
		for src := pos; src <= len(s); src++ {
			if e := m.try(L, src); e >= 0 {
				pos = e
				if e == src {
					pos++
				}
				return m.pushCaptures(L, src, e, true)
			}
		}
		return 0
	}))
	return 1
}

// gsub is string.gsub(s, pattern, repl [, n]).
func (lib *library) gsub(L *lua.LState) int {
	src := L.CheckString(1)
	p := L.CheckString(2)
	repl := L.Get(3)
	limit := int(int32(lib.optInt(L, 4, len(src)+1))) // luaL_optint: a C int
	switch repl.Type() {
	case lua.LTNumber, lua.LTString, lua.LTTable, lua.LTFunction:
	default:
		L.ArgError(3, "string/function/table expected")
	}
	var rs string
	if repl.Type() != lua.LTTable && repl.Type() != lua.LTFunction {
		rs = lib.toString(repl)
	}
	m := newMachine(L.Context(), p, src)
	anchor := m.anchor()
	var b strings.Builder
	n, s := 0, 0
	for n < limit {
		e := m.try(L, s)
		if e >= 0 {
			n++
			lib.addValue(L, m, &b, repl, rs, s, e)
		}
		if e > s {
			s = e
		} else if s < len(src) {
			b.WriteByte(src[s])
			s++
		} else {
			break
		}
		if anchor {
			break
		}
	}
	b.WriteString(src[s:])
	L.Push(lua.LString(b.String()))
	L.Push(lua.LNumber(n))
	return 2
}

// toString is lua_tolstring of a string or a number.
func (lib *library) toString(v lua.LValue) string {
	if f, ok := v.(lua.LNumber); ok {
		return lib.conv.NumberString(float64(f))
	}
	return lua.LVAsString(v)
}

// addValue appends the replacement of the match s..e (C Lua's add_value):
// the string with its %0-%9 put in, or what the table or the function
// gives for the match, or the match itself when that is false or nil.
func (lib *library) addValue(L *lua.LState, m *machine, b *strings.Builder, repl lua.LValue, rs string, s, e int) {
	var v lua.LValue
	switch r := repl.(type) {
	case *lua.LTable:
		m.pushCapture(L, 0, s, e)
		k := L.Get(-1)
		L.Pop(1)
		v = L.GetTable(r, k)
	case *lua.LFunction:
		L.Push(r)
		L.Call(m.pushCaptures(L, s, e, true), 1)
		v = L.Get(-1)
		L.Pop(1)
	default:
		lib.addString(L, m, b, rs, s, e)
		return
	}
	switch v.Type() {
	case lua.LTNil:
		b.WriteString(m.src[s:e])
	case lua.LTBool:
		if v == lua.LFalse {
			b.WriteString(m.src[s:e])
		} else {
			L.RaiseError("invalid replacement value (a boolean)")
		}
	case lua.LTString, lua.LTNumber:
		b.WriteString(lib.toString(v))
	default:
		L.RaiseError("invalid replacement value (a %s)", v.Type().String())
	}
}

// addString appends the replacement string rs for the match s..e: "%d" is
// capture d ("%0" the whole match), "%x" for any other x is x (a "%" at
// the end, followed by C's terminator, is a NUL byte).
func (lib *library) addString(L *lua.LState, m *machine, b *strings.Builder, rs string, s, e int) {
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		i++
		var d byte
		if i < len(rs) {
			d = rs[i]
		}
		switch {
		case d < '0' || d > '9':
			b.WriteByte(d)
		case d == '0':
			b.WriteString(m.src[s:e])
		default:
			m.pushCapture(L, int(d-'1'), s, e)
			v := L.Get(-1)
			L.Pop(1)
			b.WriteString(lib.toString(v))
		}
	}
}
