#!/usr/bin/env flyscript
-- quickstart.lua: the whole life of a machine in one script. It creates an
-- app and a machine, waits for the machine to start, lists the app's
-- machines, stops the machine, and destroys everything it created.
--
--   flyscript --sim examples/quickstart.lua                   no token, no network
--   flyscript examples/quickstart.lua my-unique-name ord      on your account
--
-- Arguments: the app name to create (default flyscript-quickstart) and the
-- region (default ord). FLY_ORG picks the organization (default personal).

local app_name = arg[1] or "flyscript-quickstart"
local region = arg[2] or "ord"
local org = env.get("FLY_ORG", "personal")

print(("creating app %s in organization %s"):format(app_name, org))
fly.apps.create{ name = app_name, org_slug = org }
fly.use(app_name) -- the default app of fly.machines from here on

local m = fly.machines.create{
  name = "web-1",
  region = region,
  config = {
    image = "nginx:1.27",
    guest = { cpu_kind = "shared", cpus = 1, memory_mb = 256 },
    services = {
      { protocol = "tcp", internal_port = 80, ports = { { port = 80, handlers = { "http" } } } },
    },
  },
}
print(("created machine %s (%s) in %s"):format(m.id, m.name, m.region))

fly.machines.wait(m.id, "started", { timeout = "60s" })
print("started:", fly.machines.get(m.id))

print("machines of " .. app_name .. ":")
for _, x in ipairs(fly.machines.list()) do
  print(("  %s  %-8s %s  %s"):format(x.id, x.state, x.region, x.config.image))
end

fly.machines.stop(m.id)
fly.machines.wait(m.id, "stopped")
print("stopped:", fly.machines.get(m.id))

-- Clean up: the machine, then the app once the machine is gone.
fly.machines.destroy(m.id, { force = true })
fly.machines.wait(m.id, "destroyed")
fly.apps.destroy(app_name)
print("destroyed the machine and the app")
