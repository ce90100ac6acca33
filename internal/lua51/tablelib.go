package lua51

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openTable replaces table.concat, table.insert, table.remove and
// table.sort.
func (o *opener) openTable() {
	if t, ok := o.lib("table"); ok {
		o.replace(t, map[string]lua.LGFunction{"concat": tabConcat, "insert": tabInsert, "remove": tabRemove, "sort": tabSort})
	}
}

// tabConcat is table.concat(list [, sep [, i [, j]]]): strings and numbers
// (written with "%.14g"), any number of them. (gopher-lua's pushes every
// item on the stack and overflows it past about 2,500.)
func tabConcat(L *lua.LState) int {
	t := L.CheckTable(1)
	sep := ""
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		sep = checkFormatString(L, 2)
	}
	i := cInt(optInt(L, 3, 1))
	j := cInt(optInt(L, 4, int64(t.Len())))
	var b strings.Builder
	for k := i; k <= j; k++ {
		switch v := t.RawGetInt(int(k)).(type) {
		case lua.LString:
			b.WriteString(string(v))
		case lua.LNumber:
			b.WriteString(FormatNumber(float64(v)))
		default:
			L.RaiseError("invalid value (%s) at index %d in table for 'concat'", v.Type(), k)
		}
		if k < j {
			b.WriteString(sep)
		}
	}
	L.Push(lua.LString(b.String()))
	return 1
}

// optInt is luaL_optint: the argument as an integer, def when absent.
func optInt(L *lua.LState, n int, def int64) int64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInt(L, n)
}

// tabInsert is table.insert(t, [pos,] value), with Lua 5.1's check of the
// number of arguments.
func tabInsert(L *lua.LState) int {
	t := L.CheckTable(1)
	e := int64(t.Len()) + 1
	var pos int64
	switch L.GetTop() {
	case 2:
		pos = e
	case 3:
		pos = cInt(checkInt(L, 2))
		if pos > e {
			e = pos
		}
		for i := e; i > pos; i-- {
			t.RawSetInt(int(i), t.RawGetInt(int(i-1)))
		}
	default:
		L.RaiseError("wrong number of arguments to 'insert'")
	}
	t.RawSetInt(int(pos), L.Get(L.GetTop()))
	return 0
}

// tabRemove is table.remove(t [, pos]): nothing when pos is outside the
// list, as in Lua 5.1.
func tabRemove(L *lua.LState) int {
	t := L.CheckTable(1)
	e := int64(t.Len())
	pos := cInt(optInt(L, 2, e))
	if e == 0 || pos < 1 || pos > e {
		return 0
	}
	v := t.RawGetInt(int(pos))
	for ; pos < e; pos++ {
		t.RawSetInt(int(pos), t.RawGetInt(int(pos+1)))
	}
	t.RawSetInt(int(e), lua.LNil)
	L.Push(v)
	return 1
}

// tabSort is table.sort(t [, comp]): C Lua 5.1's quicksort (median of
// three, the smaller part sorted first), so that elements that compare
// equal end in the same order as in C Lua, the comparator is called with
// the same pairs, and a comparator that is not a strict order raises
// "invalid order function for sorting" where C Lua's does. (gopher-lua's
// sorts with Go's sort.Sort, in another order and without the error.)
func tabSort(L *lua.LState) int {
	t := L.CheckTable(1)
	s := &sorter{L: L, t: t}
	if L.Get(2) != lua.LNil {
		s.comp = L.CheckFunction(2)
	}
	if ctx := L.Context(); ctx != nil {
		s.done = ctx.Done()
	}
	s.sort(1, t.Len())
	return 0
}

// sorter is one table.sort.
type sorter struct {
	L     *lua.LState
	t     *lua.LTable
	comp  *lua.LFunction
	done  <-chan struct{}
	count int
}

// less is the sort's comparison: the comparator's answer, or Lua 5.1's <
// (numbers, strings, or the same __lt metamethod of both values).
func (s *sorter) less(a, b lua.LValue) bool {
	L := s.L
	if s.count++; s.count%4096 == 0 && s.done != nil {
		select {
		case <-s.done:
			L.RaiseError("%s", L.Context().Err().Error())
		default:
		}
	}
	fn := s.comp
	if fn == nil {
		if a.Type() == b.Type() {
			switch x := a.(type) {
			case lua.LNumber:
				return x < b.(lua.LNumber)
			case lua.LString:
				return x < b.(lua.LString)
			}
			tm, ok := L.GetMetaField(a, "__lt").(*lua.LFunction)
			if ok && L.GetMetaField(b, "__lt") == tm {
				fn = tm
			}
		}
		if fn == nil {
			// Raised inside a library function: no location, as in C Lua.
			if a.Type() == b.Type() {
				L.Error(lua.LString("attempt to compare two "+a.Type().String()+" values"), 0)
			}
			L.Error(lua.LString("attempt to compare "+a.Type().String()+" with "+b.Type().String()), 0)
		}
	}
	L.Push(fn)
	L.Push(a)
	L.Push(b)
	L.Call(2, 1)
	r := lua.LVAsBool(L.Get(-1))
	L.Pop(1)
	return r
}

func (s *sorter) get(i int) lua.LValue { return s.t.RawGetInt(i) }

// swap stores b at i and a at j.
func (s *sorter) swap(i, j int, a, b lua.LValue) {
	s.t.RawSetInt(i, b)
	s.t.RawSetInt(j, a)
}

func (s *sorter) invalidOrder() {
	s.L.RaiseError("invalid order function for sorting")
}

// sort sorts t[l..u].
func (s *sorter) sort(l, u int) {
	for l < u {
		// Order t[l], t[m] and t[u], m the middle.
		if a, b := s.get(l), s.get(u); s.less(b, a) {
			s.swap(l, u, a, b)
		}
		if u-l == 1 {
			return
		}
		m := (l + u) / 2
		if a, b := s.get(m), s.get(l); s.less(a, b) {
			s.swap(m, l, a, b)
		} else if c := s.get(u); s.less(c, a) {
			s.swap(m, u, a, c)
		}
		if u-l == 2 {
			return
		}
		// The pivot goes to u-1; partition t[l+1..u-2] around it.
		pivot := s.get(m)
		s.swap(m, u-1, pivot, s.get(u-1))
		i, j := l, u-1
		for {
			var ai, aj lua.LValue
			for {
				i++
				if ai = s.get(i); !s.less(ai, pivot) {
					break
				}
				if i > u {
					s.invalidOrder()
				}
			}
			for {
				j--
				if aj = s.get(j); !s.less(pivot, aj) {
					break
				}
				if j < l {
					s.invalidOrder()
				}
			}
			if j < i {
				break
			}
			s.swap(i, j, ai, aj)
		}
		s.swap(u-1, i, s.get(u-1), s.get(i))
		// Recurse into the smaller part, loop on the larger.
		if i-l < u-i {
			s.sort(l, i-1)
			l = i + 1
		} else {
			s.sort(i+1, u)
			u = i - 1
		}
	}
}
