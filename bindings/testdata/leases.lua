-- fly.leases against the simulator
local t = require("assert")

fly.apps.create{ name = "lease-app", org_slug = "personal" }
fly.use("lease-app")
local m = fly.machines.create{ region = "ord", config = { image = "nginx" } }
fly.machines.wait(m.id)

local lease = fly.leases.acquire(m.id, { ttl = 60, description = "suite" })
t.equal(type(lease.nonce), "string")
t.equal(tostring(lease):sub(1, 7), "<lease ")
local seen = fly.leases.get(m.id)
t.equal(seen.description, "suite")

-- another holder is refused while the lease lives
local ok, err = pcall(fly.leases.acquire, m.id)
t.equal(ok, false)
t.equal(err.status, 409)
t.equal(err.op, "fly.leases.acquire")

-- a mutation without the nonce is refused; with it, it goes through
ok, err = pcall(fly.machines.stop, m.id)
t.equal(ok, false)
fly.machines.stop(m.id, { nonce = lease.nonce })
fly.machines.wait(m.id, "stopped")
fly.leases.refresh(m.id, lease.nonce, { ttl = 120 })
fly.leases.release(m.id, lease.nonce)

-- with: the nonce rides along, the lease is released even when fn fails
local result = fly.leases.with(m.id, { ttl = 30 }, function(l)
  t.equal(type(l.nonce), "string")
  fly.machines.start(m.id)
  fly.machines.wait(m.id, "started")
  fly.machines.update(m.id, { config = { image = "nginx:2" } })
  return "done"
end)
t.equal(result, "done")
t.equal(fly.leases.acquire(m.id).nonce ~= nil, true, "released after with")
