-- fly.machines against the simulator
local t = require("assert")

fly.apps.create{ name = "suite-app", org_slug = "personal" }
local app = fly.use("suite-app")
t.equal(app.name, "suite-app")

local m = fly.machines.create{
  region = "ord", name = "web-1",
  config = { image = "nginx:1.27", guest = { cpus = 1, memory_mb = 256, cpu_kind = "shared" }, env = {} },
}
t.equal(type(m.id), "string")
t.equal(m.region, "ord")
t.equal(m.config.guest.cpus, 1)
t.equal(tostring(m), "<machine " .. m.id .. " web-1 ord " .. m.state .. ">")

local w = fly.machines.wait(m.id, "started")
t.equal(w.ok, true)

local got = fly.machines.get(m.id)
t.equal(got.id, m.id)
t.equal(got.state, "started")

fly.machines.create{ region = "ams", config = { image = "nginx:1.27" } }
local all = fly.machines.list()
t.equal(#all, 2)
local started = fly.machines.list{ state = "started", region = "ord" }
t.equal(#started, 1)
t.equal(started[1].id, m.id)

fly.machines.stop(m.id, { signal = "SIGTERM", timeout = "5s" })
fly.machines.wait(m.id, "stopped", { timeout = 30 })
t.equal(fly.machines.get(m.id).state, "stopped")
fly.machines.start(m.id)
fly.machines.wait(m.id)

local updated = fly.machines.update(m.id, { config = { image = "nginx:1.28", guest = { cpus = 2, memory_mb = 512 } } })
t.equal(updated.config.image, "nginx:1.28")
t.equal(updated.config.guest.cpus, 2)
t.equal(#fly.machines.versions(m.id) >= 2, true)

fly.machines.cordon(m.id)
t.equal(fly.machines.get(m.id).cordoned, true)
fly.machines.uncordon(m.id)

local r = fly.machines.exec(m.id, { "echo", "hello" })
t.equal(type(r.exit_code), "number")

t.equal(type(fly.machines.processes(m.id)), "table")
t.equal(#fly.machines.events(m.id) > 0, true)

local mem = fly.machines.memory(m.id)
t.equal(type(mem.limit_mb), "number")

fly.machines.restart(m.id, { timeout = 10 })
fly.machines.wait(m.id, "started")
fly.machines.suspend(m.id)
fly.machines.wait(m.id, { "suspended", "stopped" })

fly.machines.destroy(m.id, { force = true })
fly.machines.wait(m.id, "destroyed")
t.equal(#fly.machines.list(), 1)

-- the handle of another app acts on that app only
fly.apps.create{ name = "other-app", org_slug = "personal" }
local other = fly.app("other-app")
other.machines.create{ region = "ord", config = { image = "busybox" } }
t.equal(#other.machines.list(), 1)
t.equal(#fly.machines.list(), 1)
t.equal(#fly.orgs.machines("personal") >= 2, true)
