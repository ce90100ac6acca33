-- Tests of rolling_restart.lua, one of them with the documented rate limits
-- and the simulator's usual transition times, in virtual time.
local t = require("assert")
local c = require("testdata.common")

local function fleet()
  c.app()
  local ms = { c.machine("ord"), c.machine("ams"), c.machine("ord") }
  local stopped = c.stopped("syd")
  return ms, stopped
end

test("restarts each started machine once, under a lease, in id order", function()
  local ms, stopped = fleet()
  local r = run("rolling_restart.lua", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "restarting 3 machines, one at a time")
  t.match(r.stdout, "done: every machine restarted")
  local restarted = {}
  for _, q in ipairs(sim.requests("Machines_restart")) do
    t.equal(q.status, 200)
    restarted[#restarted + 1] = q.path:match("machines/(%x+)/restart")
  end
  local ids = { ms[1].id, ms[2].id, ms[3].id }
  table.sort(ids)
  t.same(restarted, ids)
  t.equal(#sim.requests("Machines_create_lease"), 3)
  t.equal(#sim.requests("Machines_release_lease"), 3)
  t.equal(fly.machines.get(stopped.id).state, "stopped")
end)

test("a rate-limited run with real transition times", function()
  sim.options{ rate_limits = true, timings = "real" }
  fleet()
  local t0 = time.now()
  local r = run("rolling_restart.lua", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  for _, q in ipairs(sim.requests()) do
    t.not_equal(q.status, 429, "the client paces itself under the limits: " .. q.path)
  end
  -- Each restart takes 400 ms of virtual time; the client's own pacing
  -- adds the rest. Nothing really slept.
  local took = time.now() - t0
  t.truthy(took >= 1.2 and took < 60, "took " .. took .. " s of virtual time")
end)

test("nothing to restart", function()
  c.app()
  local r = run("rolling_restart.lua", { app = "demo" })
  t.equal(r.stdout, "no started machines: nothing to restart\n")
end)

test("stops at a machine that does not come back", function()
  local ms = fleet()
  -- Every restart of the first machine in id order fails on the platform.
  local ids = { ms[1].id, ms[2].id, ms[3].id }
  table.sort(ids)
  sim.fail{ op = "Machines_restart", status = 500, times = 10, machine = ids[1] }
  local r = run("rolling_restart.lua", { app = "demo" })
  t.equal(r.ok, false)
  t.match(r.error, "500")
  t.equal(#sim.requests("Machines_restart"), 1, "the others are left untouched")
  t.equal(#sim.requests("Machines_release_lease"), 1, "the lease is released")
end)
