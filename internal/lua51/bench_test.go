package lua51

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// script2000 is a 2,000-line script of the kinds of statements scripts
// have: local functions, loops, tables, constructors with calls in keyed
// fields, multiple assignments (the two rewrites), method calls and string
// building.
func script2000() []byte {
	var b strings.Builder
	for i := 0; b.Len() == 0 || strings.Count(b.String(), "\n") < 2000; i++ {
		fmt.Fprintf(&b, `local function step%d(app, list)
  local a, b = %d, #list
  a, b = b, a
  local cfg = { "web", "worker", name = tostring(a), size = math.max(a, b), tags = { app, "x" } }
  for i, m in ipairs(list) do
    if m.state == "started" and i %% 2 == 0 then
      cfg[#cfg + 1] = m.id .. ":" .. string.format("%%d", i)
    elseif m.state ~= "stopped" then
      local ok, err = pcall(function() return m:stop({ timeout = 30 }) end)
      if not ok then print("failed", err) end
    end
  end
  return cfg, a + b
end
`, i, i)
	}
	return []byte(b.String())
}

// BenchmarkCompile compares compiling a 2,000-line script through the
// layer (Compile: parse, the rewrites, gopher-lua's compiler) with plain
// gopher-lua's parse and compile of the same text.
func BenchmarkCompile(b *testing.B) {
	src := script2000()
	b.Run("layer", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			if _, err := Compile(src, "bench.lua"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gopher-lua", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			chunk, err := parse.Parse(bytes.NewReader(src), "bench.lua")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := lua.Compile(chunk, "bench.lua"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// pcallLoop is a Lua function calling pcall n times on fn.
const pcallLoop = `local fn = ...
return function(n) for _ = 1, n do pcall(fn) end end`

// BenchmarkPcall compares Lua's pcall in a hot loop under the layer (its
// Pcall: a message handler that closes exactly the unwound upvalues) with
// plain gopher-lua's, for a function that returns and one that raises an
// error. One op is one pcall.
func BenchmarkPcall(b *testing.B) {
	for _, c := range []struct{ name, fn string }{
		{"ok", "return function() return 1 end"},
		{"error", `return function() error("x") end`},
	} {
		b.Run(c.name+"/layer", func(b *testing.B) {
			L, _ := newState(b)
			benchPcall(b, L, c.fn, func(src string) *lua.LFunction {
				fn, err := Load(L, []byte(src), "bench")
				if err != nil {
					b.Fatal(err)
				}
				return fn
			})
		})
		b.Run(c.name+"/gopher-lua", func(b *testing.B) {
			L := lua.NewState()
			defer L.Close()
			benchPcall(b, L, c.fn, func(src string) *lua.LFunction {
				fn, err := L.LoadString(src)
				if err != nil {
					b.Fatal(err)
				}
				return fn
			})
		})
	}
}

// benchPcall runs pcallLoop over the function fnSrc returns.
func benchPcall(b *testing.B, L *lua.LState, fnSrc string, load func(string) *lua.LFunction) {
	b.Helper()
	L.Push(load(fnSrc))
	L.Call(0, 1)
	target := L.Get(-1)
	L.Pop(1)
	benchLoop(b, L, load(pcallLoop), target)
}

// concatLoop builds n short strings of four operands, two of them numbers.
const concatLoop = `return function(n) local s for i = 1, n do s = "key" .. i .. "=" .. i * 2 end return s end`

// concatLoopStrings joins two strings n times.
const concatLoopStrings = `return function(n) local a, b, s = "left", "right" for _ = 1, n do s = a .. b end return s end`

// BenchmarkConcat compares the .. operator under the layer (a call of its
// concatenation: numbers as "%.14g", the memory budget asked for large
// results) with plain gopher-lua's OP_CONCAT. One op is one concatenation.
func BenchmarkConcat(b *testing.B) {
	for _, c := range []struct{ name, src string }{{"numbers", concatLoop}, {"strings", concatLoopStrings}} {
		benchBoth(b, c.name, c.src)
	}
}

// benchBoth runs the loop src returns under the layer and under plain
// gopher-lua, as the sub-benchmarks name/layer and name/gopher-lua.
func benchBoth(b *testing.B, name, src string) {
	b.Run(name+"/layer", func(b *testing.B) {
		L, _ := newState(b)
		fn, err := Load(L, []byte(src), "bench")
		if err != nil {
			b.Fatal(err)
		}
		benchLoop(b, L, fn)
	})
	b.Run(name+"/gopher-lua", func(b *testing.B) {
		L := lua.NewState()
		defer L.Close()
		fn, err := L.LoadString(src)
		if err != nil {
			b.Fatal(err)
		}
		benchLoop(b, L, fn)
	})
}

// benchLoop calls the function chunk returns (given args) with b.N.
func benchLoop(b *testing.B, L *lua.LState, chunk *lua.LFunction, args ...lua.LValue) {
	b.Helper()
	L.Push(chunk)
	for _, a := range args {
		L.Push(a)
	}
	L.Call(len(args), 1)
	loop := L.Get(-1)
	L.Pop(1)
	b.ReportAllocs()
	b.ResetTimer()
	L.Push(loop)
	L.Push(lua.LNumber(b.N))
	L.Call(1, 1)
	L.Pop(1)
}

// lenLoops are loops of the length operator on a plain table: alone, and
// in the append idiom t[#t + 1] = v. %s is the length of t: "#t" (gopher-
// lua's OP_LEN) or "len51(t)", the call a rewrite of # would compile to.
const lenLoops = `local len51 = ...
return function(n)
  local t, s = { 1, 2, 3, 4, 5 }, 0
  for i = 1, n do s = s + %s end
  return s
end`

const appendLoops = `local len51 = ...
return function(n)
  local t = {}
  for i = 1, n do t[%s + 1] = i end
  return #t
end`

// BenchmarkLen measures what honouring Lua 5.1's # (no __len for tables)
// would cost if # became a call of a Go function, as .. does: the
// operator against the call, on a table without a metatable. One op is
// one length.
func BenchmarkLen(b *testing.B) {
	len51 := func(L *lua.LState) int {
		if t, ok := L.Get(1).(*lua.LTable); ok {
			L.Push(lua.LNumber(t.Len()))
			return 1
		}
		L.Push(lua.LNumber(L.ObjLen(L.Get(1))))
		return 1
	}
	for _, loop := range []struct{ name, src string }{{"alone", lenLoops}, {"append", appendLoops}} {
		for _, form := range []struct{ name, expr string }{{"operator", "#t"}, {"call", "len51(t)"}} {
			b.Run(loop.name+"/"+form.name, func(b *testing.B) {
				L, _ := newState(b)
				fn, err := Load(L, []byte(fmt.Sprintf(loop.src, form.expr)), "bench")
				if err != nil {
					b.Fatal(err)
				}
				benchLoop(b, L, fn, L.NewFunction(len51))
			})
		}
	}
}

// modLoop is a loop of the % operator; %s is the divisor.
const modLoop = `return function(n)
  local s, d = 0, %s
  for i = 1, n do s = s + i %% d end
  return s
end`

const modLoopConst = `return function(n)
  local s = 0
  for i = 1, n do s = s + i %% %s end
  return s
end`

// BenchmarkMod measures a % b under the layer, a call of its modulo (Lua
// 5.1's a - floor(a/b)*b), against plain gopher-lua's OP_MOD (math.Mod),
// with the divisor in a variable and as a constant. One op is one modulo.
func BenchmarkMod(b *testing.B) {
	benchBoth(b, "variable", fmt.Sprintf(modLoop, "7"))
	benchBoth(b, "constant", fmt.Sprintf(modLoopConst, "7"))
}
