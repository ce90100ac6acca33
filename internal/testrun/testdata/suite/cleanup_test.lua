local t = require("assert")

local function fleet()
  fly.apps.create{ name = "web", org_slug = "personal" }
  local h = fly.use("web")
  local old = h.machines.create{ config = { image = "nginx" } }
  h.machines.stop(old.id)
  return h, old
end

test("keeps a machine stopped for an hour", function()
  local h, old = fleet()
  sim.advance("1h")
  local r = run("cleanup.lua", "web")
  t.equal(r.ok, true, r.stderr)
  t.equal(r.stdout, "destroyed 0 machine(s)\n")
  t.equal(h.machines.get(old.id).state, "stopped")
end)

test("destroys a machine stopped for two days", function()
  local h, old = fleet()
  sim.advance("48h")
  local fresh = h.machines.create{ config = { image = "nginx" } }
  h.machines.stop(fresh.id)
  local r = run("cleanup.lua", "web")
  t.equal(r.stdout, "old: " .. old.id .. "\ndestroyed 1 machine(s)\n")
  t.equal(h.machines.get(old.id).state, "destroyed")
  t.equal(h.machines.get(fresh.id).state, "stopped")
  local deletes = sim.requests("Machines_delete")
  t.equal(#deletes, 1)
  t.equal(deletes[1].path, "/v1/apps/web/machines/" .. old.id)
end)

test("dry run exits 3 and destroys nothing", function()
  local h, old = fleet()
  sim.advance(2 * 86400)
  local r = run("cleanup.lua", "web", "--dry-run")
  t.equal(r.exit, 3)
  t.equal(r.ok, false)
  t.equal(h.machines.get(old.id).state, "stopped")
  t.same(sim.requests("Machines_delete"), {})
end)

test("usage error", function()
  local r = run("cleanup.lua")
  t.equal(r.exit, 1)
  t.match(r.error, "usage: cleanup.lua APP")
  t.match(r.stderr, "flyscript: ")
end)
