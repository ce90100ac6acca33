package lua51

import (
	"math"
	"math/rand/v2"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// openMath replaces math.random and math.randomseed with a generator of the
// state's own, so that math.randomseed(x) repeats a sequence (gopher-lua's
// use the process-wide generator), and sets math.huge.
func (o *opener) openMath() {
	m, ok := o.lib("math")
	if !ok {
		return
	}
	seed := uint64(time.Now().UnixNano())
	r := rand.New(rand.NewPCG(seed, seed>>32|1))
	m.RawSetString("random", o.L.NewFunction(func(L *lua.LState) int { return mathRandom(L, r) }))
	m.RawSetString("randomseed", o.L.NewFunction(func(L *lua.LState) int {
		s := uint64(int64(checkNumber(L, 1)))
		*r = *rand.New(rand.NewPCG(s, 0x9e3779b97f4a7c15))
		return 0
	}))
	m.RawSetString("huge", lua.LNumber(math.Inf(1)))
	if fmod := m.RawGetString("fmod"); fmod != lua.LNil {
		m.RawSetString("mod", fmod) // Lua 5.1's math.mod is fmod (gopher-lua's was the % operator)
	}
	m.RawSetString("min", o.L.NewFunction(func(L *lua.LState) int { return mathMinMax(L, -1) }))
	m.RawSetString("max", o.L.NewFunction(func(L *lua.LState) int { return mathMinMax(L, 1) }))
	m.RawSetString("ldexp", o.L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(math.Ldexp(checkNumber(L, 1), int(cInt(checkInt(L, 2))))))
		return 1
	}))
}

// mathMinMax is math.min (sign -1) and math.max (sign 1): at least one
// number, as Lua 5.1 checks (gopher-lua's says "wrong number of arguments").
func mathMinMax(L *lua.LState, sign float64) int {
	best := checkNumber(L, 1)
	for i := 2; i <= L.GetTop(); i++ {
		if x := checkNumber(L, i); (x-best)*sign > 0 {
			best = x
		}
	}
	L.Push(lua.LNumber(best))
	return 1
}

// mathRandom is math.random([m [, n]]) with Lua 5.1's checks.
func mathRandom(L *lua.LState, r *rand.Rand) int {
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r.Float64()))
	case 1:
		u := cInt(checkInt(L, 1))
		if u < 1 {
			L.ArgError(1, "interval is empty")
		}
		L.Push(lua.LNumber(1 + r.Int64N(u)))
	case 2:
		l, u := cInt(checkInt(L, 1)), cInt(checkInt(L, 2))
		if l > u {
			L.ArgError(2, "interval is empty")
		}
		L.Push(lua.LNumber(l + r.Int64N(u-l+1)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}
