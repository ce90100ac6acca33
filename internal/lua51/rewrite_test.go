package lua51

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Each case printed something else under gopher-lua's compiler; the
// expected text is C Lua 5.1's output (the same programs are in the
// differential suite, testdata/lua51/compile.lua).
func TestRewritesFixMiscompilations(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, src, want string }{
		{"swap", `local a, b = 1, 2; a, b = b, a; print(a, b)`, "2\t1\n"},
		{"issue 440", `local a, b = 0, 0; a, b = a + 1, a + b; print(a, b)`, "1\t0\n"},
		{"index evaluated before assigning", `local i = 3; local a = {}; i, a[i] = i+1, 20; print(i, a[3], a[4])`, "4\t20\tnil\n"},
		{"table swap", `local t = {1, 2}; t[1], t[2] = t[2], t[1]; print(t[1], t[2])`, "2\t1\n"},
		{"key changed by a later target", `local q, r = {}, 10; q[r], r = 20, 30; print(q[10], q[30], r)`, "20\tnil\t30\n"},
		{"fields and globals", `local o = {}; g = 1; o.x, g, o.y = g, 2, g; print(o.x, g, o.y)`, "1\t2\t1\n"},
		{"same target twice: the first wins", `local s; s, s = 1, 2; print(s)`, "1\n"},
		{"keys, then values, then assignments right to left", `
local n = 0
local function g() n = n + 1 return n end
local log = {}
local m = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. v end})
m[g()], m[g()] = g(), g()
print(table.concat(log, " "))`, "2=4 1=3\n"},
		{"fewer values", `local a, b, c = 1, 2, 3; a, b, c = 9; print(a, b, c)`, "9\tnil\tnil\n"},
		{"a call fills the rest", `local function two() return 7, 8 end; local u, v, w = 1, 2, 3; u, v, w = 0, two(); print(u, v, w)`, "0\t7\t8\n"},
		{"extra values are evaluated", `local a, b; a, b = 1, 2, print("evaluated"); print(a, b)`, "evaluated\n1\t2\n"},
		{"varargs", `local function f(...) local a, b; a, b = ...; return a, b end; print(f(5, 6, 7))`, "5\t6\n"},
		{"keyed call in a constructor", `local t = { "a", "b", n = tostring(5) }; print(#t, t.n)`, "2\t5\n"},
		{"keyed vararg in a constructor", `local function va(...) return { n = ..., ... } end; local r = va(4, 5, 6); print(r.n, #r)`, "4\t3\n"},
		{"bracketed key call", `local function three() return 1, 2, 3 end; local z = { [1] = three() }; print(#z, z[1])`, "1\t1\n"},
		{"positional call still expands", `local function three() return 1, 2, 3 end; print(#{ three(), three() })`, "4\n"},
		{"generic for with one expression (issue 514)", `
local function f(a, b) print(a, b) return nil end
for k, v in f do end
for k, v in pairs({x = 1}) do end
for k, v in f do end`, "nil\tnil\nnil\tnil\n"},
		{"constant-false if inside a generic for (issue 540)", `
local s = 0
for _, v in ipairs({1, 2, 3}) do
  if false then local x = 1 end
  if nil then local y = 2 else s = s + 100 end
  s = s + v
end
print(s)`, "306\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, run(t, c.src))
		})
	}
}
