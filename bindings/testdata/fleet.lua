-- Safe fleet operations against the simulator: patch, records for ids,
-- absence as nil/false, terminal waits, checked enumerations.
local t = require("assert")

-- apps.create defaults org_slug to "personal", like apps.list
fly.apps.create{ name = "fleet-app" }
local app = fly.apps.get("fleet-app")
t.equal(app.organization.slug, "personal")
t.equal(fly.apps.get(app).name, "fleet-app", "an app record stands in for its name")
fly.use(app)
t.equal(fly.app().name, "fleet-app")

local m = fly.machines.create{
  region = "ord", name = "web-1",
  config = {
    image = "nginx:1.27",
    guest = { cpus = 2, memory_mb = 4096, cpu_kind = "performance" },
    env = { APP_ENV = "prod", OLD = "x" },
    services = { { internal_port = 8080, protocol = "tcp", ports = { { port = 80 } } } },
    metadata = { team = "web" },
  },
}
fly.machines.wait(m, "started")

-- patch: deep merge, json.null deletes, arrays replace, the rest is kept
local before = fly.machines.get(m)
local p = fly.machines.patch(m, { config = { image = "nginx:1.28", env = { OLD = json.null, NEW = "y" } } })
t.equal(p.config.image, "nginx:1.28")
t.same(p.config.env, { APP_ENV = "prod", NEW = "y" })
t.equal(p.config.guest.cpus, 2, "the guest is kept, not shrunk to shared-1x")
t.equal(p.config.guest.memory_mb, 4096)
t.equal(#p.config.services, 1, "services are kept")
t.equal(p.config.metadata.team, "web")
t.not_equal(p.version, before.version, "a new version")
fly.machines.wait(m, "started")
local p2 = fly.machines.patch(m.id, { config = { services = { { internal_port = 9090, protocol = "tcp" } } } })
t.equal(#p2.config.services, 1)
t.equal(p2.config.services[1].internal_port, 9090, "arrays replace")
t.equal(p2.config.services[1].ports, nil)
fly.machines.wait(m, "started")

-- a stopped machine stays stopped through a patch, unless skip_launch = false
fly.machines.stop(m)
fly.machines.wait(m, "stopped")
fly.machines.patch(m, { config = { image = "nginx:1.29" } })
fly.machines.wait(m, { "stopped", "started" })
t.equal(fly.machines.get(m).state, "stopped", "patch keeps a stopped machine stopped")
t.equal(fly.machines.get(m).config.image, "nginx:1.29")
fly.machines.patch(m, { config = { image = "nginx:1.30" }, skip_launch = false })
fly.machines.wait(m, "started")

-- a typo in changes is caught before anything is sent
t.error(function() fly.machines.patch(m, { config = { imagee = "x" } }) end, 'config.imagee: unknown field (did you mean "image"?)')
t.error(function() fly.machines.patch(m, { config = {} }, { retries = -1 }) end, "retries: expected a whole number from 0 to 100")

-- records stand in for ids
t.equal(fly.machines.get(m).id, m.id)
t.error(function() fly.machines.get({ name = "x" }) end, "bad argument #1 to 'fly.machines.get' (string or record with id expected, got table without id)")
fly.leases.with(m, { ttl = 30 }, function(lease)
  t.equal(fly.leases.get(m).owner ~= nil, true)
end)

-- absence reads as absence
t.is_nil(fly.leases.get(m), "no lease: nil")
t.error(function() fly.leases.get("0000000000dead") end, "machine not found")
local lease = fly.leases.acquire(m, { ttl = 30 })
t.equal(fly.leases.get(m).owner, lease.owner)
fly.leases.release(m, lease) -- a lease record stands in for its nonce
t.is_nil(fly.leases.get(m))
t.equal(fly.machines.exists(m), true)
t.equal(fly.machines.exists("0000000000dead"), false)
t.error(function() fly.app("no-such-app").machines.exists(m.id) end, "app not found")

-- typos in enumerations raise instead of matching nothing
t.error(function() fly.machines.list{ state = "stoped" } end, 'state: expected one of .* got "stoped" %(did you mean "stopped"%?%)')
t.error(function() fly.machines.list{ state = "started,stoped" } end, 'got "stoped"')
t.equal(#fly.machines.list{ state = "started" }, 1)
t.equal(#fly.machines.list{ state = "started,stopped" }, 1)
t.equal(#fly.machines.list{ state = { "started", "stopped" } }, 1)
t.error(function() fly.parallel({ a = m }, function(x) return x end) end,
  [[bad argument #1 to 'fly.parallel' (list expected, got a table with key "a")]])
t.same(fly.parallel({ m }, function(x) return x.id end), { m.id })

-- a wait that meets a terminal state fails at once
local bad = fly.machines.create{ region = "ord", config = { image = "sim-fail" } }
local t0 = time.now()
local err = t.error(function() fly.machines.wait(bad, "started", { timeout = "10m" }) end, "is failed and will not reach")
t.equal(err.code, "terminal_state")
t.match(err.hint, "fly.machines.events")
t.equal(time.now() - t0 < 30, true, "no waiting out the timeout")
t.equal(fly.machines.wait(bad, { "started", "failed" }).state, "failed")

fly.machines.destroy(m, { force = true })
fly.machines.wait(m, "destroyed")
t.equal(fly.machines.exists(m), false, "a destroyed machine does not exist")
err = t.error(function() fly.machines.wait(m, "started") end)
t.equal(err.code, "terminal_state")
