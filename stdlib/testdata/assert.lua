-- The assert module tested with itself (and Lua's pcall).
local t = require("assert")

local function failure(fn)
  local ok, err = pcall(fn)
  if ok then error("expected a failure", 2) end
  return err
end

t.equal(1, 1)
t.equal("a", "a")
local e = failure(function() t.equal(1, 2, "numbers") end)
t.match(e, "^testdata/assert.lua:%d+: assert.equal: expected 2, got 1: numbers$")

t.not_equal(1, 2)
t.match(failure(function() t.not_equal("a", "a") end), [[assert.not_equal: expected anything but "a"]])

t.same({a = {1, 2, {b = true}}}, {a = {1, 2, {b = true}}})
t.same(0/0, 0/0)
t.match(failure(function() t.same({a = {1, 2}}, {a = {1, 3}}) end), "assert.same: values differ at a[2]: expected 3, got 2")
t.match(failure(function() t.same({a = 1}, {a = 1, b = 2}) end), "values differ at b: expected 2, got nil")
t.match(failure(function() t.same(1, "1") end), [[values differ: expected "1", got 1]])
t.match(failure(function() t.same({a = 1, b = {2, 3}}, {a = 9, b = {2, 4}, c = 5}) end),
  "assert.same: values differ in 3 places:\n  a: expected 9, got 1\n  b%[2%]: expected 4, got 3\n  c: expected 5, got nil$")
local many1, many2 = {}, {}
for i = 1, 12 do many1[i], many2[i] = i, -i end
local e = failure(function() t.same(many1, many2, "lists") end)
t.match(e, "values differ in more than 10 places:\n  %[1%]: expected %-1, got 1\n")
t.match(e, "\n  %[10%]: expected %-10, got 10\n  ...: lists$")
local c1, c2 = {}, {}
c1.self, c2.self = c1, c2
t.same(c1, c2)

t.truthy(0)
t.truthy("")
t.match(failure(function() t.truthy(nil) end), "assert.truthy: expected a true value, got nil")
t.falsy(false)
t.falsy(nil)
t.match(failure(function() t.falsy(0) end), "assert.falsy: expected nil or false, got 0")
t.is_nil(nil)
t.match(failure(function() t.is_nil(false) end), "assert.is_nil: expected nil, got false")
t.type({}, "table")
t.match(failure(function() t.type(1, "string") end), "assert.type: expected a string, got number 1")

t.near(0.1 + 0.2, 0.3, 1e-9)
t.match(failure(function() t.near(1, 2, 0.5) end), "assert.near: expected 2 +/- 0.5, got 1")

t.match("fly.machines.get(x)", "fly.machines.get(")
t.match("abc123", "%d+$")
t.match(failure(function() t.match("abc", "^b") end), [[assert.match: expected a string matching "^b", got "abc"]])
t.match(failure(function() t.match(nil, "x") end), "got nil")

local err = t.error(function() error({code = "boom"}) end)
t.equal(err.code, "boom")
t.error(function() error("a (hint: x)") end, "(hint: x)")
t.error(function() error("line 12: oops") end, "line %d+: oops")
t.match(failure(function() t.error(function() end) end), "assert.error: expected an error, got none")
t.match(failure(function() t.error(function() error("x") end, "y") end), "assert.error: expected an error matching \"y\"")
t.match(failure(function() t.error(5) end), "assert.error: expected a function, got number")

local a, b, n = t.no_error(function(x) return x, nil, 3 end, 1)
t.equal(a, 1); t.is_nil(b); t.equal(n, 3)
t.match(failure(function() t.no_error(function() error("bad", 0) end) end), "assert.no_error: unexpected error: bad$")

t.match(failure(function() t.fail("nope") end), "assert.fail: nope")

-- The module does not touch Lua's global assert.
t.type(assert, "function")
t.equal(assert(1), 1)
