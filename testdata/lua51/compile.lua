-- What gopher-lua's compiler got wrong, and the language around it: the
-- rewrites of internal/lua51 (rewrite.go) against C Lua 5.1.
local a, b = 1, 2; a, b = b, a; print(a, b)
local c, d = 0, 0; c, d = c + 1, c + d; print(c, d) -- gopher-lua issue 440
local i, arr = 3, {}; i, arr[i] = i + 1, 20; print(i, arr[3], arr[4])
local t = {1, 2}; t[1], t[2] = t[2], t[1]; print(t[1], t[2])
local q, r = {}, 10; q[r], r = 20, 30; print(q[10], q[30], r)
local o = {}; g = 1; o.x, g, o.y = g, 2, g; print(o.x, g, o.y)
local n = 0
local function nx() n = n + 1 return n end
local log = {}
local m = setmetatable({}, {__newindex = function(_, k, v) log[#log + 1] = k .. "=" .. v end})
m[nx()], m[nx()] = nx(), nx()
print(table.concat(log, " "))
local x1, x2, x3 = 1, 2, 3; x1, x2, x3 = 9; print(x1, x2, x3)
local function two() return 7, 8 end
local u, v, w = 1, 2, 3; u, v, w = 0, two(); print(u, v, w)
local e1, e2; e1, e2 = 1, 2, print("evaluated"); print(e1, e2)
local function f(...) local p, q2; p, q2 = ...; return p, q2 end; print(f(5, 6, 7))
local k = { "a", "b", n = tostring(5) }; print(#k, k.n)
local function va(...) return { n = ..., ... } end; local rv = va(4, 5, 6); print(rv.n, #rv)
local function three() return 1, 2, 3 end
local z = { [1] = three() }; print(#z, z[1])
print(#{ three(), three() }, #{ three(), (three()) })
-- A generic for with one expression (gopher-lua issue 514).
local function it(s, c0) print("it", s, c0) return nil end
for _ in it do end
for _ in pairs({x = 1}) do end
for _ in it do end
-- A constant-false if inside a generic for (gopher-lua issue 540).
local s = 0
for _, val in ipairs({1, 2, 3}) do
  if false then local y = 1 end
  if nil then local y2 = 2 else s = s + 100 end
  s = s + val
end
print(s)
-- A local assigned with `or` keeps its neighbours (gopher-lua issue 216).
local function bar() return "bar" end
local function test(foo)
  local should_not_change
  foo = foo or bar()
  return should_not_change, foo
end
print(test(), test(false), test("given"))
-- and/or give values, not booleans; comparisons and precedence.
print(nil or false, false or nil, 1 and 2, nil and 1, false == nil, not nil, not 0)
print(2 ^ 3 ^ 2, -2 ^ 2, 1 .. 2 .. 3, "a" .. "b" == "ab", 1 < 2 == true, 2 * 3 % 4, -3 % 5, 7 - -1)
print(("x"):rep(3) .. #"abc", #"abc" + 1, not not nil)
-- Numeric for: the loop variable is a copy, the limits are evaluated once.
local lim = 3
for j = 1, lim do lim = 10 io.write(j, " ") end
print()
for j = 3, 1, -1 do io.write(j, " ") end
for j = 1, 0 do io.write("never") end
for j = 1, 2, 0.5 do io.write(j, " ") end
print()
for j = 1, 3 do local jj = j j = j * 10 io.write(jj, ":", j, " ") end
print()
-- Scoping: a local shadows, a block ends it, repeat sees its body's locals.
local sh = "outer"
do local sh = "inner" print(sh) end
print(sh)
local cnt = 0
repeat local stop = cnt >= 2 cnt = cnt + 1 until stop
print(cnt)
-- Literals and escapes.
print("tab\tnew\\n", 'q"uote', "\65\066\0067", [[long
string]], [==[with ]] inside]==], 0x1F, 1e2, .5, 3., 0xa)
print(#"\0abc", ("\0x"):byte(1, 2))
-- Functions: recursion through a global, methods, varargs in the middle.
function gfact(nn) if nn <= 1 then return 1 end return nn * gfact(nn - 1) end
print(gfact(10))
local obj = {v = 1}
function obj:add(dv) self.v = self.v + dv return self end
print(obj:add(2):add(3).v)
local function mid(...) return ..., "end" end
print(mid(1, 2))
print((mid(1, 2)))
-- Long chains of concatenation and nested tables.
local parts = {}
for pi = 1, 5 do parts[#parts + 1] = "p" .. pi end
print(parts[1] .. parts[2] .. parts[3] .. parts[4] .. parts[5])
local nest = {a = {b = {c = {d = "deep"}}}}
print(nest.a.b.c.d, nest["a"]["b"].c["d"])
-- a multiple assignment's temporaries are named as the expressions they hold
print(pcall(function() local t = {}; local a; a, t.x.y = 1, 2 end))
-- an assignment to a field of a constant indexes the constant (gopher-lua issues 310, 524)
local fields = {}
print(pcall(function() (5).field = 1 end))
print(fields.field)
print(pcall(function() local q = {}; (123).K = nil end))
print(pcall(function() local a; a, (5).y = 1, 2 end))
print(pcall(function() (-(2)).y = 1 end))
local smt = getmetatable("")
smt.__newindex = function(s, k, v) print("newindex", s, k, v) end
("str").key = 42
smt.__newindex = nil
