-- Tests of blue_green.lua, with a rollback when the green machines fail.
local t = require("assert")
local c = require("testdata.common")

local function fleet()
  c.app()
  return { c.machine("ord", "registry.fly.io/demo:v1"), c.machine("ams", "registry.fly.io/demo:v1") }
end

test("replaces blue with green without downtime", function()
  local blue = fleet()
  local r = run("blue_green.lua", "registry.fly.io/demo:v2", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "traffic switched to green")
  for _, b in ipairs(blue) do
    t.equal(fly.machines.get(b.id).state, "destroyed")
  end
  local left = fly.machines.list()
  t.equal(#left, 2)
  for _, m in ipairs(left) do
    t.equal(m.config.image, "registry.fly.io/demo:v2")
    t.equal(m.state, "started")
  end
  -- The switch happens before any blue machine stops.
  local order = {}
  for _, q in ipairs(sim.requests()) do
    if q.op == "Machines_uncordon" or q.op == "Machines_cordon" or q.op == "Machines_stop" then
      order[#order + 1] = q.op
    end
  end
  t.same(order, { "Machines_uncordon", "Machines_uncordon", "Machines_cordon", "Machines_cordon",
    "Machines_stop", "Machines_stop" })
end)

test("rolls back when the green image fails: blue keeps serving", function()
  local blue = fleet()
  local r = run("blue_green.lua", "registry.fly.io/sim-fail:v2", { app = "demo" })
  t.equal(r.ok, false)
  t.match(r.stdout, "green machines did not come up; rolling back")
  for _, b in ipairs(blue) do
    local now = fly.machines.get(b.id)
    t.equal(now.state, "started")
    t.equal(now.cordoned == true, false)
  end
  for _, m in ipairs(fly.machines.list()) do
    t.equal(m.config.image, "registry.fly.io/demo:v1", "only blue machines are left")
  end
  t.same(sim.requests("Machines_cordon"), {})
end)

test("without an image it is a usage error", function()
  local r = run("blue_green.lua", { app = "demo" })
  t.equal(r.exit, 2)
  t.match(r.stderr, "usage: blue_green.lua IMAGE")
end)
