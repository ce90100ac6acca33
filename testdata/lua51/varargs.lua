-- Varargs, select, unpack and multiple results.
local function count(...) return select("#", ...) end
print(count(), count(nil), count(nil, nil), count(1, nil, 3, nil))
local function pass(...) return ... end
print(pass(1, 2, 3))
print((pass(1, 2, 3)))
print(pass(1, 2, 3), "last")
print(select(2, "a", "b", "c"))
print(select(-1, "a", "b", "c"))
print(select(-3, "a", "b", "c"))
print(pcall(select, 0, "a"))
print(pcall(select, -4, "a", "b", "c"))
print(select("#"))
print(unpack({1, 2, 3}))
print(unpack({1, 2, 3}, 2))
print(unpack({1, 2, 3}, 2, 3))
print(unpack({1, 2, 3}, 3, 2))
print(unpack({1, nil, 3}, 1, 3))
print(unpack({}, 1, 2))
local t = {pass(1, 2, 3)}
print(#t, t[3])
t = {pass(1, 2, 3), 10}
print(#t, t[1], t[2])
t = {n = pass(5, 6)}
print(t.n)
local function tail(...) return select("#", ...), ... end
print(tail(nil, nil))
local function sum(...)
  local s = 0
  for i = 1, select("#", ...) do s = s + (select(i, ...)) end
  return s
end
print(sum(1, 2, 3, 4.5))
local function packed(...) local a = {...} return #a, a[1], a[#a] end
print(packed("x", "y", "z"))
-- arg is a Lua 5.0 relic; in 5.1 a vararg function without arg use has none.
local function old(...) return type(arg) end
print(old(1))
-- Multiple assignment evaluates every expression before assigning.
local a, b, c = 1, 2
print(a, b, c)
a, b = b, a
print(a, b)
local i = 1
local arr = {}
i, arr[i] = i + 1, 20
print(i, arr[1], arr[2])
local x, y, z = (function() return 1, 2, 3 end)()
print(x, y, z)
x, y, z = 0, (function() return 1, 2, 3 end)()
print(x, y, z)
x, y, z = (function() return 1, 2, 3 end)(), 10
print(x, y, z)
local obj = {}
obj.a, obj.b, obj.a = 1, 2, 3
print(obj.b)
local s1, s2 = ("a b"):match("(%a) (%a)")
print(s1, s2)
print(string.byte("abc", 1, -1))
print(math.max(unpack({4, 9, 2})))
print(type(select(1, nil)))
print(pcall(unpack, nil))
print(pcall(unpack, {}, 1, 1e8)) print(select("#", unpack({}, 1, 7000)), unpack({1, 2, 3}, -1, 1))
