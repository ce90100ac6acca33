package lua51

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// openTable replaces table.concat, table.insert and table.remove.
func (o *opener) openTable() {
	t, ok := o.L.GetGlobal("table").(*lua.LTable)
	if !ok {
		return
	}
	t.RawSetString("concat", o.L.NewFunction(tabConcat))
	t.RawSetString("insert", o.L.NewFunction(tabInsert))
	t.RawSetString("remove", o.L.NewFunction(tabRemove))
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
	i := optInt(L, 3, 1)
	j := optInt(L, 4, int64(t.Len()))
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
		pos = checkInt(L, 2)
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
	pos := optInt(L, 2, e)
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
