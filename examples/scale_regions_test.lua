-- Tests of scale_regions.lua.
local t = require("assert")
local c = require("testdata.common")

local function counts()
  local n = {}
  for _, m in ipairs(fly.machines.list()) do
    n[m.region] = (n[m.region] or 0) + 1
  end
  return n
end

test("creates and destroys to reach the counts, stopped machines first", function()
  c.app()
  c.machine("ord")
  c.machine("ord")
  local started = c.machine("ams")
  local stopped = c.stopped("ams")
  c.machine("syd")
  local r = run("scale_regions.lua", "ord=1,ams=1,syd=0,fra=2", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.same(counts(), { ord = 1, ams = 1, fra = 2 })
  t.equal(fly.machines.get(stopped.id).state, "destroyed")
  t.equal(fly.machines.get(started.id).state, "started")
  t.match(r.stdout, "now: ams=1,fra=2,ord=1,syd=0")
end)

test("--dry-run only says what it would do", function()
  c.app()
  c.machine("ord")
  local r = run("scale_regions.lua", "ord=3", "--dry-run", { app = "demo" })
  t.equal(r.stdout, "ord: 1 -> 3 (create 2)\n")
  t.equal(#sim.requests("Machines_create"), 1, "only the setup's create")
end)

test("an app without machines is an error", function()
  c.app()
  local r = run("scale_regions.lua", "ord=1", { app = "demo" })
  t.equal(r.exit, 1)
  t.equal(r.error, "the app has no machine to copy the configuration from")
end)
