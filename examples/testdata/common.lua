-- common.lua: helpers of the setup scripts (not an example).
local M = {}

-- app creates the app `demo` and makes it the default.
function M.app(name)
  name = name or "demo"
  if not fly.apps.exists(name) then
    fly.apps.create{ name = name, org_slug = "personal" }
  end
  return fly.use(name)
end

-- machine creates a started machine.
function M.machine(region, image, extra)
  local body = {
    region = region,
    config = {
      image = image or "nginx:1.27",
      guest = { cpu_kind = "shared", cpus = 1, memory_mb = 256 },
      services = { { protocol = "tcp", internal_port = 80, ports = { { port = 80, handlers = { "http" } } } } },
    },
  }
  for k, v in pairs(extra or {}) do
    if k == "config" then
      for ck, cv in pairs(v) do body.config[ck] = cv end
    else
      body[k] = v
    end
  end
  local m = fly.machines.create(body)
  fly.machines.wait(m.id, "started")
  return m
end

-- stopped creates a machine and stops it.
function M.stopped(region, extra)
  local m = M.machine(region, nil, extra)
  fly.machines.stop(m.id)
  fly.machines.wait(m.id, "stopped")
  return m
end

return M
