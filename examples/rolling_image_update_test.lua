-- Tests of rolling_image_update.lua, with a rollback after a failing image.
local t = require("assert")
local c = require("testdata.common")

local env = { config = { env = { APP_ENV = "production", LOG_LEVEL = "info" } } }

local function fleet()
  c.app()
  local a = c.machine("ord", "registry.fly.io/demo:v1", env)
  local b = c.machine("ams", "registry.fly.io/demo:v1", env)
  return a, b
end

test("moves every machine to the new image, keeping its env", function()
  local a, b = fleet()
  local r = run("rolling_image_update.lua", "registry.fly.io/demo:v2", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  for _, m in ipairs({ a, b }) do
    local now = fly.machines.get(m.id)
    t.equal(now.config.image, "registry.fly.io/demo:v2")
    t.same(now.config.env, env.config.env)
  end
end)

test("rolls back a machine whose new image fails, and stops there", function()
  local a, b = fleet()
  local first, second = a, b
  if b.id < a.id then first, second = b, a end
  local r = run("rolling_image_update.lua", "registry.fly.io/sim-fail:v2", "30s", { app = "demo" })
  t.equal(r.exit, 1)
  t.match(r.stdout, "rolled back to registry.fly.io/demo:v1 %(started%)")
  t.match(r.stdout, "stopped: the remaining machines keep their image")
  local now = fly.machines.get(first.id)
  t.equal(now.config.image, "registry.fly.io/demo:v1")
  t.equal(now.state, "started")
  t.equal(fly.machines.get(second.id).config.image, "registry.fly.io/demo:v1")
  -- Two updates of the first machine (the new image, the rollback), none
  -- of the second.
  local updated = {}
  for _, q in ipairs(sim.requests("Machines_update")) do
    updated[#updated + 1] = q.path:match("machines/(%x+)$") .. "=" .. q.body.config.image
  end
  t.same(updated, { first.id .. "=registry.fly.io/sim-fail:v2", first.id .. "=registry.fly.io/demo:v1" })
  t.equal(#sim.requests("Machines_release_lease"), 1)
end)
