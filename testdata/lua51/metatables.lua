-- Metatables and metamethods.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__div = function(a, b) return vec(a.x / b, a.y / b) end
V.__mod = function(a, b) return vec(a.x % b, a.y % b) end
V.__pow = function(a, b) return vec(a.x ^ b, a.y ^ b) end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x or (a.x == b.x and a.y < b.y) end
V.__le = function(a, b) return not (b < a) end
V.__tostring = function(a) return "(" .. a.x .. ", " .. a.y .. ")" end
V.__concat = function(a, b) return tostring(a) .. "|" .. tostring(b) end
V.__call = function(self, k) return self[k] end
V.__len = function() return 99 end
function V:len2() return self.x * self.x + self.y * self.y end

local a, b = vec(1, 2), vec(3, 4)
print(tostring(a + b), tostring(a - b), a * b, tostring(a * 2), tostring(2 * a))
print(tostring(b / 2), tostring(b % 2), tostring(a ^ 2), tostring(-a))
print(a == vec(1, 2), a ~= b, a == a, rawequal(a, vec(1, 2)))
print(a < b, a <= b, a > b, a >= b, b <= b)
print(a .. b, a .. "s", "s" .. a, 1 .. a)
print(a("x"), a("y"), a:len2())
print(#a) -- __len is not used for tables in Lua 5.1
print(a)

-- __eq is only called for two tables (or two userdata) with the same __eq.
local E1 = {__eq = function() return true end}
local E2 = {__eq = function() return true end}
print(setmetatable({}, E1) == setmetatable({}, E1), setmetatable({}, E1) == setmetatable({}, E2), setmetatable({}, E1) == 1)

-- __lt between different metatables errors.
print(pcall(function() return setmetatable({}, {__lt = function() return true end}) < setmetatable({}, {__lt = function() return true end}) end))
print(pcall(function() return {} < {} end))
print(pcall(function() return {} <= {} end))
-- __le falls back to not __lt(b, a).
local L = {__lt = function(x, y) return x.v < y.v end}
print(setmetatable({v = 1}, L) <= setmetatable({v = 2}, L), setmetatable({v = 3}, L) <= setmetatable({v = 2}, L))

-- __index as a function and as a table chain.
local base = {greet = function() return "hi" end, kind = "base"}
local mid = setmetatable({kind = "mid"}, {__index = base})
local top = setmetatable({}, {__index = mid})
print(top.greet(), top.kind, rawget(top, "kind"))
local calls = 0
local lazy = setmetatable({}, {__index = function(t, k) calls = calls + 1 rawset(t, k, k .. "!") return k .. "?" end})
print(lazy.a, lazy.a, lazy.b, calls)

-- __newindex as a function and as a table.
local log = {}
local guarded = setmetatable({}, {__newindex = function(t, k, v) log[#log + 1] = k .. "=" .. tostring(v) rawset(t, k, v) end})
guarded.x = 1 guarded.x = 2 guarded.y = 3
print(table.concat(log, " "), guarded.x)
local store = {}
local proxy = setmetatable({}, {__newindex = store, __index = store})
proxy.k = "v"
print(rawget(proxy, "k"), store.k, proxy.k)

-- Read-only table.
local ro = setmetatable({}, {__index = {a = 1}, __newindex = function(_, k) error("read-only: " .. k, 2) end})
print(pcall(function() ro.b = 2 end))

-- __metatable protects.
local prot = setmetatable({}, {__metatable = "locked"})
print(getmetatable(prot), pcall(setmetatable, prot, {}))
print(getmetatable("abc").__index == string)

-- __call with varargs.
local callable = setmetatable({}, {__call = function(self, ...) return select("#", ...), ... end})
print(callable(1, nil, 3))
print(pcall(callable, "p"))

-- __tostring is used by print and tostring, not by ..
local named = setmetatable({}, {__tostring = function() return "NAMED" end})
print(named, tostring(named))
print(pcall(function() return "x" .. named end))

-- rawset, rawget, rawequal bypass metamethods.
local counted = setmetatable({}, {__index = function() return "meta" end, __newindex = function() error("no") end})
rawset(counted, "r", "raw")
print(counted.r, counted.other, rawget(counted, "other"))

-- Inheritance with methods.
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) local d = Animal.new(name) return setmetatable(d, Dog) end
function Dog:speak() return self.name .. " barks; " .. Animal.speak(self) end
print(Dog.new("rex"):speak(), Animal.new("cat"):speak())

-- setmetatable returns its table; nil removes the metatable.
local t = {}
print(setmetatable(t, nil) == t, getmetatable(t))
print(pcall(setmetatable, t, 5))
