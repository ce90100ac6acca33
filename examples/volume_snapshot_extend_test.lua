-- Tests of volume_snapshot_extend.lua: its snapshot poll sleeps in virtual
-- time.
local t = require("assert")
local c = require("testdata.common")

local function fleet()
  c.app()
  local vol = fly.volumes.create{ name = "data", region = "ord", size_gb = 10 }
  local m = c.machine("ord", nil, { config = { mounts = { { volume = vol.id, path = "/data" } } } })
  return vol, m
end

test("snapshots, extends and restarts the machine", function()
  sim.options{ timings = "real" } -- the snapshot takes 500 ms
  local vol, m = fleet()
  local t0 = time.now()
  local r = run("volume_snapshot_extend.lua", "data", "20", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "snapshot [%w_]+: created")
  t.match(r.stdout, "extended to 20 GB")
  t.equal(fly.volumes.get(vol.id).size_gb, 20)
  t.truthy(#sim.requests("Volumes_list_snapshots") >= 3, "the script polled the snapshot")
  t.truthy(time.now() - t0 < 10, "in virtual time")
  t.equal(#sim.requests("Machines_restart"), 1)
  t.equal(fly.machines.get(m.id).state, "started")
end)

test("a volume never shrinks", function()
  fleet()
  local r = run("volume_snapshot_extend.lua", "data", "5", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "already 10 GB: volumes only grow")
  t.same(sim.requests("Volumes_create_snapshot"), {})
end)

test("an unknown volume is an error", function()
  fleet()
  local r = run("volume_snapshot_extend.lua", "nope", "20", { app = "demo" })
  t.equal(r.error, 'no volume "nope" in this app')
end)
