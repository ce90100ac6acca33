-- inspect: pretty printing.
local t = require("assert")

t.equal(inspect(nil), "nil")
t.equal(inspect(1), "1")
t.equal(inspect(2.5), "2.5")
t.equal(inspect(1/0), "inf")
t.equal(inspect("a\"b\n"), [["a\"b\n"]])
t.equal(inspect("héllo"), [["héllo"]])
t.equal(inspect("\0\255"), [["\000\255"]])
t.equal(inspect({}), "{}")
t.equal(inspect({1, 2, 3}), "{ 1, 2, 3 }")
t.equal(inspect({b = 1, a = "x", [1] = true}), [[{ true, a = "x", b = 1 }]])
t.equal(inspect({["a b"] = 1, ["end"] = 2, [2.5] = 3, [10] = 4, _ok = 5}),
  [=[{ [2.5] = 3, [10] = 4, _ok = 5, ["a b"] = 1, ["end"] = 2 }]=])
t.equal(inspect(json.null), "json.null")
t.equal(inspect({x = json.null}), "{ x = json.null }")
t.equal(inspect(print), "<function>")
t.match(inspect(function() end), "^<function testdata/inspect.lua:%d+>$")

-- Cycles.
local c = {name = "c"}
c.self = c
t.equal(inspect(c), [[{ name = "c", self = <cycle> }]])
local shared = {1}
t.equal(inspect({shared, shared}), "{ { 1 }, { 1 } }")

-- Depth.
local nested = {a = {b = {c = {}}}, d = 1}
t.equal(inspect(nested, {depth = 1}), "{ a = {...}, d = 1 }")
t.equal(inspect(nested, {depth = 2}), "{ a = { b = {...} }, d = 1 }")
t.equal(inspect(nested), "{ a = { b = { c = {} } }, d = 1 }")

-- Long tables go multi-line; short children stay on one line.
local m = {
  id = "3d8d9a1c5e6f87", name = "web-1", region = "ord", state = "started",
  config = {image = "registry.fly.io/web:deployment-01J", guest = {cpus = 1, memory_mb = 256}},
}
t.equal(inspect(m), [[{
  config = {
    guest = { cpus = 1, memory_mb = 256 },
    image = "registry.fly.io/web:deployment-01J"
  },
  id = "3d8d9a1c5e6f87",
  name = "web-1",
  region = "ord",
  state = "started"
}]])
t.equal(inspect(m, {width = -1}):find("\n"), nil, "negative width is one line")

-- Records.
local rec = setmetatable({id = "abc"}, {__tostring = function(r) return "<machine " .. r.id .. ">" end})
t.equal(inspect(rec), [[{ id = "abc" }]])
t.equal(inspect(rec, {tostring = true}), "<machine abc>")
t.equal(inspect({rec}, {tostring = true}), "{ <machine abc> }")
local ud = newproxy and newproxy(true)
if ud then
  getmetatable(ud).__tostring = function() return "proxy" end
  t.equal(inspect(ud), "proxy")
end
