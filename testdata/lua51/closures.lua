-- Closures and upvalues, and how every kind of error leaves them: a
-- protected call closes the upvalues of the frames it unwinds, no more.

-- Counters shared between closures.
local function counter()
  local n = 0
  return function() n = n + 1 return n end, function() return n end
end
local inc, get = counter()
inc() inc()
print("counter", get())

-- A closure per iteration: each loop variable is fresh.
local fs = {}
for i = 1, 3 do fs[i] = function() return i end end
print("for", fs[1](), fs[2](), fs[3]())
local ws = {}
local j = 0
while j < 3 do j = j + 1 local k = j ws[j] = function() k = k * 10 return k end end
print("while", ws[1](), ws[2](), ws[3](), ws[1]())
local rs = {}
repeat local r = #rs + 1 rs[r] = function() return r end until #rs == 3
print("repeat", rs[1](), rs[3]())

-- The issue's case: pcall inside a function whose locals are shared.
local n = 0
local function bump() n = n + 1 end
local function outer(fn) bump() pcall(fn) bump() end
outer(function() pcall(function() error("x") end) end)
outer(function() pcall(function() error("x") end) end)
print("issue", n)

-- A retry helper that counts attempts around pcall.
local function retry(times, fn)
  local attempts = 0
  local last
  for _ = 1, times do
    attempts = attempts + 1
    local ok, err = pcall(fn, attempts)
    if ok then return attempts end
    last = err
  end
  return attempts, last
end
print("retry", retry(3, function(a) error("fail " .. a, 0) end))
print("retry ok", retry(5, function(a) if a < 4 then error("no") end end))

-- A closure created in a frame that pcall unwinds keeps its own value,
-- and it is no longer shared with the stack.
local kept
local ok, err = pcall(function()
  local secret = "inner"
  kept = function(v) if v then secret = v end return secret end
  error("unwind")
end)
print("unwound", ok, (string.gsub(err, "^[^:]*:%d+: ", "")))
local a1, a2, a3 = "l1", "l2", "l3"
print("kept", kept(), kept("changed"), kept(), a1, a2, a3)

-- The same with xpcall and a message handler that reads the upvalue.
local seen
local shared = "before"
local function handler(m) seen = shared return "handled: " .. tostring(m) end
local xkept
print("xpcall", xpcall(function()
  local v = "x-inner"
  xkept = function() return v end
  shared = "during"
  error("boom", 0)
end, handler))
print("handler saw", seen, xkept())
local b1, b2 = "m1", "m2"
print("after xpcall", xkept(), b1, b2)

-- Errors raised with non-string values.
print("table error", select(2, pcall(error, {code = 7})).code)
print("nil error", pcall(error))
print("number error", pcall(error, 42))
print("level 2", pcall(function() local function f() error("lvl", 2) end f() end))

-- Nested protected calls: the inner catch does not close the outer's locals.
local depth = 0
local function nested(level)
  local mine = level
  local get = function() return mine end
  if level == 0 then error("bottom", 0) end
  local ok, e = pcall(nested, level - 1)
  depth = depth + 1
  mine = mine + 100
  return get(), ok, e
end
print("nested", pcall(nested, 3))
print("depth", depth)

-- An error inside a coroutine kills it; locals shared with the outside
-- keep working.
local total = 0
local co = coroutine.create(function(x)
  local inside = x
  local add = function(d) inside = inside + d total = total + d return inside end
  coroutine.yield(add)
  error("dead " .. add(1), 0)
end)
local _, adder = coroutine.resume(co, 10)
print("co adder", adder(5))
print("co resume", coroutine.resume(co))
print("co status", coroutine.status(co), adder(2), total)

-- pcall inside a coroutine, then yield after it.
local co2 = coroutine.wrap(function()
  local count = 0
  local function tick() count = count + 1 return count end
  for _ = 1, 3 do
    pcall(function() tick() error("e") end)
    coroutine.yield(tick())
  end
  return "end " .. count
end)
print("co2", co2(), co2(), co2(), co2())

-- error() in a method called through pcall with arguments.
local obj = {name = "obj"}
function obj:fail(msg) error(self.name .. ": " .. msg, 0) end
print("method", pcall(obj.fail, obj, "bad"))

-- Upvalues of upvalues.
local function mk()
  local x = 1
  return function()
    return function() x = x + 1 return x end
  end
end
local g = mk()()
print("deep upvalue", g(), g(), mk()()())

-- Recursion through a local function.
local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
print("fib", fib(20))

-- A runtime error names the variable.
print("runtime", pcall(function() local t = nil return t.x end))
print("arith", pcall(function() local s = {} return s + 1 end))
print("call", pcall(function() local u return u() end))
