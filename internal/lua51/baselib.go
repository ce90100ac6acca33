package lua51

import (
	"math"
	"runtime"
	"runtime/metrics"

	lua "github.com/yuin/gopher-lua"
)

// The base functions whose gopher-lua versions differ from Lua 5.1.

// openLibs replaces the library functions that differ from Lua 5.1 (see
// docs/lua-compat.md for the ones that remain).
func (o *opener) openLibs() {
	L := o.L
	L.SetGlobal("tonumber", L.NewFunction(baseTonumber))
	L.SetGlobal("tostring", L.NewFunction(baseTostring))
	L.SetGlobal("setmetatable", L.NewFunction(baseSetmetatable))
	L.SetGlobal("assert", L.NewFunction(baseAssert))
	L.SetGlobal("unpack", L.NewFunction(baseUnpack))
	L.SetGlobal("select", L.NewFunction(baseSelect))
	L.SetGlobal("rawset", L.NewFunction(baseRawset))
	if _, ok := L.GetGlobal("getfenv").(*lua.LFunction); ok {
		L.SetGlobal("getfenv", L.NewFunction(baseGetfenv))
		L.SetGlobal("setfenv", L.NewFunction(baseSetfenv))
	}
	if next, ok := L.GetGlobal("next").(*lua.LFunction); ok && next.IsG {
		L.SetGlobal("next", L.NewFunction(nextChecked(next.GFunction)))
	}
	o.openString()
	o.openTable()
	o.openMath()
	o.openOs()
	o.openCoroutine()
	o.openCompat()
	if dbg, ok := L.GetGlobal("debug").(*lua.LTable); ok {
		dbg.RawSetString("traceback", L.NewFunction(debugTraceback))
		if gi, ok := dbg.RawGetString("getinfo").(*lua.LFunction); ok && gi.IsG {
			dbg.RawSetString("getinfo", L.NewFunction(debugGetinfo(gi.GFunction)))
		}
	}
}

// baseTonumber is tonumber(e [, base]).
func baseTonumber(L *lua.LState) int {
	base := int(cInt(optInt(L, 2, 10)))
	v := L.CheckAny(1)
	if base == 10 {
		switch x := v.(type) {
		case lua.LNumber:
			L.Push(x)
			return 1
		case lua.LString:
			if f, ok := ParseNumber(string(x)); ok {
				L.Push(lua.LNumber(f))
				return 1
			}
		}
		L.Push(lua.LNil)
		return 1
	}
	if base < 2 || base > 36 {
		L.ArgError(2, "base out of range")
	}
	s := L.CheckString(1)
	if f, ok := ParseInteger(s, base); ok {
		L.Push(lua.LNumber(f))
		return 1
	}
	L.Push(lua.LNil)
	return 1
}

// baseSelect is select(n, ...): the arguments after the n-th (counted
// from the end when negative), or their count when n is a string starting
// with "#". n may be a string holding a number, as in Lua 5.1.
func baseSelect(L *lua.LState) int {
	n := int64(L.GetTop())
	if s, ok := L.Get(1).(lua.LString); ok && len(s) > 0 && s[0] == '#' {
		L.Push(lua.LNumber(n - 1))
		return 1
	}
	i := cInt(checkInt(L, 1))
	if i < 0 {
		i += n
	} else if i > n {
		i = n
	}
	if i < 1 {
		L.ArgError(1, "index out of range")
	}
	return int(n - i)
}

// baseRawset is rawset(t, k, v): a nil or NaN key is an error without a
// location, raised inside the library as C Lua's luaH_set raises it.
func baseRawset(L *lua.LState) int {
	t := L.CheckTable(1)
	k := L.CheckAny(2)
	v := L.CheckAny(3)
	switch x := k.(type) {
	case *lua.LNilType:
		L.Error(lua.LString("table index is nil"), 0)
	case lua.LNumber:
		if math.IsNaN(float64(x)) {
			L.Error(lua.LString("table index is NaN"), 0)
		}
	}
	t.RawSet(k, v)
	L.SetTop(1)
	return 1
}

// hostFrame stands for the host's Go function below the main chunk (what
// getfenv and debug.getinfo answer for it; calling it does nothing).
var hostFrame = &lua.LFunction{IsG: true, GFunction: func(*lua.LState) int { return 0 }}

// fenvFunction is C Lua 5.1's getfunc: argument 1 as a function, or the
// function running at that level of the stack (0 is getfenv or setfenv
// itself, 1 its caller; def when absent, -1 for none: required).
func fenvFunction(L *lua.LState, def int64) *lua.LFunction {
	if fn, ok := L.Get(1).(*lua.LFunction); ok {
		return fn
	}
	var level int64
	if def < 0 {
		level = cInt(checkInt(L, 1))
	} else {
		level = cInt(optInt(L, 1, def))
	}
	if level < 0 {
		L.ArgError(1, "level must be non-negative")
	}
	dbg, ok := L.GetStack(int(level))
	if !ok {
		if L == L.G.MainThread && int(level) == StackDepth(L) {
			// The host's call of the main chunk, which C Lua's stack
			// has (lua.c's pcall: "[C]: ?").
			return hostFrame
		}
		L.ArgError(1, "invalid level")
	}
	fv, err := L.GetInfo("f", dbg, lua.LNil)
	fn, isFn := fv.(*lua.LFunction)
	if err != nil || !isFn {
		L.RaiseError("no function environment for tail call at level %d", level)
	}
	return fn
}

// baseGetfenv is getfenv([f]): the environment of a Lua function, or the
// running thread's for a Go function (getfenv(0), print).
func baseGetfenv(L *lua.LState) int {
	fn := fenvFunction(L, 1)
	if fn.IsG || fn.Env == nil {
		L.Push(L.Env)
		return 1
	}
	L.Push(fn.Env)
	return 1
}

// baseSetfenv is setfenv(f, table): the environment of a Lua function, or
// with 0 the running thread's; a Go function's cannot change.
func baseSetfenv(L *lua.LState) int {
	env := L.CheckTable(2)
	fn := fenvFunction(L, -1)
	if n, ok := L.Get(1).(lua.LNumber); ok && n == 0 {
		L.Env = env
		return 0
	}
	if fn.IsG {
		L.RaiseError("'setfenv' cannot change environment of given object")
	}
	fn.Env = env
	L.Push(fn)
	return 1
}

// baseTostring is tostring(v): numbers with "%.14g", and when v has a
// __tostring metamethod whatever it returns (nil too, as in Lua 5.1).
func baseTostring(L *lua.LState) int {
	v := L.CheckAny(1)
	if mm := L.GetMetaField(v, "__tostring"); mm != lua.LNil {
		L.Push(mm)
		L.Push(v)
		L.Call(1, 1)
		return 1
	}
	L.Push(lua.LString(ToString(L, v)))
	return 1
}

// maxResults is how many values unpack and string.byte give at most: the
// value stack would otherwise fill up, which no protected call can catch.
// C Lua 5.1 stops at about 8,000 (LUAI_MAXCSTACK), Lua 5.2 at 1,000,000.
const maxResults = 1 << 20

// baseUnpack is unpack(list [, i [, j]]): list[i], ..., list[j], read raw,
// with Lua 5.1's error when there are too many.
func baseUnpack(L *lua.LState) int {
	t := L.CheckTable(1)
	i := cInt(optInt(L, 2, 1))
	j := cInt(optInt(L, 3, int64(t.Len())))
	if i > j {
		return 0
	}
	if j-i >= maxResults || j-i < 0 {
		L.RaiseError("too many results to unpack")
	}
	for k := i; k <= j; k++ {
		L.Push(t.RawGetInt(int(k)))
	}
	return int(j - i + 1)
}

// baseAssert is assert(v [, message]): all its arguments when v is true,
// else an error with message, which may be a number as in Lua 5.1
// (gopher-lua's takes strings only), "assertion failed!" without one.
func baseAssert(L *lua.LState) int {
	if lua.LVAsBool(L.CheckAny(1)) {
		return L.GetTop()
	}
	msg := "assertion failed!"
	switch m := L.Get(2).(type) {
	case lua.LString:
		msg = string(m)
	case lua.LNumber:
		msg = FormatNumber(float64(m))
	default:
		if m != lua.LNil {
			argExpected(L, 2, lua.LTString)
		}
	}
	L.RaiseError("%s", msg)
	return 0
}

// baseSetmetatable is setmetatable(table, metatable): only tables, and not
// when the current metatable is protected by __metatable. (gopher-lua's
// accepts any value, and setting a string's changes every string.)
func baseSetmetatable(L *lua.LState) int {
	t := L.CheckTable(1)
	mt := L.Get(2)
	if _, ok := mt.(*lua.LTable); !ok && mt != lua.LNil {
		L.ArgError(2, "nil or table expected")
	}
	if L.GetMetaField(t, "__metatable") != lua.LNil {
		L.RaiseError("cannot change a protected metatable")
	}
	L.SetMetatable(t, mt)
	L.SetTop(1)
	return 1
}

// openCompat adds the Lua 5.1 functions gopher-lua leaves out or words
// otherwise: collectgarbage with every option of 5.1, gcinfo,
// table.foreach, table.foreachi and table.setn; and package.config as
// Lua 5.1's.
func (o *opener) openCompat() {
	L := o.L
	L.SetGlobal("collectgarbage", L.NewFunction(baseCollectGarbage))
	L.SetGlobal("gcinfo", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(HeapBytes() / 1024))
		return 1
	}))
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		// luaconf.h's LUA_DIRSEP, LUA_PATHSEP, LUA_PATH_MARK, LUA_EXECDIR,
		// LUA_IGMARK, one a line (gopher-lua's ends with a line break).
		pkg.RawSetString("config", lua.LString("/\n;\n?\n!\n-"))
	}
	t, ok := L.GetGlobal("table").(*lua.LTable)
	if !ok {
		return
	}
	t.RawSetString("foreach", L.NewFunction(func(L *lua.LState) int {
		tb, fn := L.CheckTable(1), L.CheckFunction(2)
		for k, v := tb.Next(lua.LNil); k != lua.LNil; k, v = tb.Next(k) {
			if r := call2(L, fn, k, v); r != lua.LNil {
				L.Push(r)
				return 1
			}
		}
		return 0
	}))
	t.RawSetString("foreachi", L.NewFunction(func(L *lua.LState) int {
		tb, fn := L.CheckTable(1), L.CheckFunction(2)
		for i := 1; i <= tb.Len(); i++ {
			if r := call2(L, fn, lua.LNumber(i), tb.RawGetInt(i)); r != lua.LNil {
				L.Push(r)
				return 1
			}
		}
		return 0
	}))
	t.RawSetString("setn", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("'setn' is obsolete")
		return 0
	}))
}

// call2 calls fn(a, b) and returns its first result: table.foreach's
// and table.foreachi's function, a __concat metamethod.
func call2(L *lua.LState, fn lua.LValue, k, v lua.LValue) lua.LValue {
	L.Push(fn)
	L.Push(k)
	L.Push(v)
	L.Call(2, 1)
	r := L.Get(-1)
	L.Pop(1)
	return r
}

// gcKnobs are what collectgarbage("setpause") and
// ("setstepmul") set and return: Go's collector has no such knobs, so
// they are only remembered.
type gcKnobs struct{ pause, stepMul float64 }

// baseCollectGarbage is collectgarbage([opt [, arg]]) with Lua 5.1's
// options over Go's collector: "collect" and "step" run a collection,
// "count" is the Go heap in use in kilobytes, "stop" and "restart" do
// nothing (Go's collector cannot be stopped for one VM).
func baseCollectGarbage(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	switch opt {
	case "collect", "stop", "restart":
		if opt == "collect" {
			runtime.GC()
		}
		L.Push(lua.LNumber(0))
	case "count":
		L.Push(lua.LNumber(float64(HeapBytes()) / 1024))
	case "step":
		runtime.GC()
		L.Push(lua.LTrue)
	case "setpause", "setstepmul":
		k := knobs(L)
		p := &k.pause
		if opt == "setstepmul" {
			p = &k.stepMul
		}
		prev := *p
		*p = optNumber(L, 2, 0)
		L.Push(lua.LNumber(prev))
	default:
		L.ArgError(1, "invalid option '"+opt+"'")
	}
	return 1
}

// knobsKey is the registry field of a state's gcKnobs.
const knobsKey = "flyscript.lua51.gc"

func knobs(L *lua.LState) *gcKnobs {
	reg := L.Get(lua.RegistryIndex).(*lua.LTable)
	if ud, ok := reg.RawGetString(knobsKey).(*lua.LUserData); ok {
		if k, ok := ud.Value.(*gcKnobs); ok {
			return k
		}
	}
	k := &gcKnobs{pause: 200, stepMul: 200}
	ud := L.NewUserData()
	ud.Value = k
	reg.RawSetString(knobsKey, ud)
	return k
}

// HeapMetric is the runtime/metrics name of the bytes held by live and
// not yet swept heap objects.
const HeapMetric = "/memory/classes/heap/objects:bytes"

// HeapBytes reads the Go heap in use without stopping the world (as
// runtime.ReadMemStats would).
func HeapBytes() uint64 {
	s := []metrics.Sample{{Name: HeapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// lib returns the library table name (string, table, os...), or false when
// the state has none.
func (o *opener) lib(name string) (*lua.LTable, bool) {
	t, ok := o.L.GetGlobal(name).(*lua.LTable)
	return t, ok
}

// replace sets the functions of a library table, raw, as Go functions of
// the state.
func (o *opener) replace(t *lua.LTable, funcs map[string]lua.LGFunction) {
	for name, fn := range funcs {
		t.RawSetString(name, o.L.NewFunction(fn))
	}
}
