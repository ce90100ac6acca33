-- lua/assert.lua: assertions for tests and examples.
--
--   local t = require("assert")
--   t.equal(#list, 3)
--   t.same(json.decode('{"a":[1,2]}'), { a = { 1, 2 } })
--   local err = t.error(function() fly.machines.get() end, "bad argument #1")
--
-- Every function raises on failure with the caller's file and line and a
-- message starting "assert.<name>: ", followed by the optional msg. It does
-- not replace Lua's global assert.

local M = {}

local function show(v)
  local inspect = rawget(_G, "inspect")
  if type(inspect) == "function" then
    return inspect(v)
  end
  if type(v) == "string" then
    return string.format("%q", v)
  end
  return tostring(v)
end

-- fail raises "assert.<name>: <what>[: msg]" at the caller of the public
-- function: level 3 (fail, the assertion, its caller); the tests check the
-- position.
local function fail(name, what, msg)
  local text = "assert." .. name .. ": " .. what
  if msg ~= nil then
    text = text .. ": " .. tostring(msg)
  end
  error(text, 3)
end

--- equal(actual, expected, msg?): actual == expected.
function M.equal(actual, expected, msg)
  if actual ~= expected then
    fail("equal", "expected " .. show(expected) .. ", got " .. show(actual), msg)
  end
end

--- not_equal(actual, unexpected, msg?): actual ~= unexpected.
function M.not_equal(actual, unexpected, msg)
  if actual == unexpected then
    fail("not_equal", "expected anything but " .. show(unexpected), msg)
  end
end

--- near(actual, expected, tolerance, msg?): |actual - expected| <= tolerance.
function M.near(actual, expected, tolerance, msg)
  if type(actual) ~= "number" or math.abs(actual - expected) > tolerance then
    fail("near", "expected " .. show(expected) .. " +/- " .. show(tolerance) .. ", got " .. show(actual), msg)
  end
end

local function key_path(path, k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then
    return path .. "." .. k
  end
  return path .. "[" .. show(k) .. "]"
end

-- diff appends to out, in key order, the paths where a and b differ and
-- the two values there, as {path, a, b}, stopping at limit entries. NaN is
-- the same as NaN; metatables are not compared.
local function diff(a, b, path, seen, out, limit)
  if #out >= limit or a == b then
    return
  end
  if type(a) == "number" and type(b) == "number" and a ~= a and b ~= b then
    return
  end
  if type(a) ~= "table" or type(b) ~= "table" then
    out[#out + 1] = { path, a, b }
    return
  end
  seen[a] = seen[a] or {}
  if seen[a][b] then
    return
  end
  seen[a][b] = true
  local keys = {}
  for k in pairs(a) do keys[#keys + 1] = k end
  for k in pairs(b) do
    if rawget(a, k) == nil then keys[#keys + 1] = k end
  end
  table.sort(keys, function(x, y)
    if type(x) == type(y) and (type(x) == "number" or type(x) == "string") then
      return x < y
    end
    return type(x) < type(y)
  end)
  for _, k in ipairs(keys) do
    diff(rawget(a, k), rawget(b, k), key_path(path, k), seen, out, limit)
  end
end

-- maxDiffs bounds the differences assert.same lists.
local maxDiffs = 10

--- same(actual, expected, msg?): deep equality of values and tables. The
--- message names where they differ: the one place, or each of them (up to
--- 10) on a line of its own.
function M.same(actual, expected, msg)
  local out = {}
  diff(actual, expected, "", {}, out, maxDiffs + 1)
  if #out == 0 then
    return
  end
  local function where(path)
    return (path:gsub("^%.", ""))
  end
  if #out == 1 then
    local path, x, y = out[1][1], out[1][2], out[1][3]
    local at = path == "" and "" or (" at " .. where(path))
    fail("same", "values differ" .. at .. ": expected " .. show(y) .. ", got " .. show(x), msg)
  end
  local lines = {}
  for i = 1, math.min(#out, maxDiffs) do
    local path, x, y = out[i][1], out[i][2], out[i][3]
    lines[#lines + 1] = "\n  " .. where(path) .. ": expected " .. show(y) .. ", got " .. show(x)
  end
  local more = #out > maxDiffs and "\n  ..." or ""
  local count = #out > maxDiffs and ("more than " .. maxDiffs) or tostring(#out)
  fail("same", "values differ in " .. count .. " places:" .. table.concat(lines) .. more, msg)
end

--- truthy(v, msg?): v is neither nil nor false.
function M.truthy(v, msg)
  if not v then
    fail("truthy", "expected a true value, got " .. show(v), msg)
  end
end

--- falsy(v, msg?): v is nil or false.
function M.falsy(v, msg)
  if v then
    fail("falsy", "expected nil or false, got " .. show(v), msg)
  end
end

--- is_nil(v, msg?): v is nil.
function M.is_nil(v, msg)
  if v ~= nil then
    fail("is_nil", "expected nil, got " .. show(v), msg)
  end
end

--- type(v, name, msg?): type(v) == name.
function M.type(v, name, msg)
  if type(v) ~= name then
    fail("type", "expected a " .. name .. ", got " .. type(v) .. " " .. show(v), msg)
  end
end

-- matches reports whether s contains pattern, as plain text or as a Lua
-- pattern (so both "fly.machines.get(" and "^%w+:%d+:" work).
local function matches(s, pattern)
  if s:find(pattern, 1, true) then
    return true
  end
  local ok, found = pcall(string.find, s, pattern)
  return ok and found ~= nil
end

--- match(s, pattern, msg?): s contains pattern (plain text or Lua pattern).
function M.match(s, pattern, msg)
  if type(s) ~= "string" or not matches(s, pattern) then
    fail("match", "expected a string matching " .. show(pattern) .. ", got " .. show(s), msg)
  end
end

--- error(fn, pattern?, msg?) -> err: fn() raises, and tostring(err)
--- contains pattern (plain text or Lua pattern). Returns the error value.
function M.error(fn, pattern, msg)
  if type(fn) ~= "function" then
    fail("error", "expected a function, got " .. type(fn), msg)
  end
  local ok, err = pcall(fn)
  if ok then
    fail("error", "expected an error, got none", msg)
  end
  if pattern ~= nil and not matches(tostring(err), pattern) then
    fail("error", "expected an error matching " .. show(pattern) .. ", got " .. show(tostring(err)), msg)
  end
  return err
end

--- no_error(fn, ...) -> ...: fn(...) does not raise; returns its results.
function M.no_error(fn, ...)
  local results = { pcall(fn, ...) }
  if not results[1] then
    fail("no_error", "unexpected error: " .. tostring(results[2]))
  end
  return unpack(results, 2, table.maxn(results))
end

--- fail(msg): fails unconditionally.
function M.fail(msg)
  fail("fail", tostring(msg))
end

return M
