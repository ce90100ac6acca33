-- rolling_update.lua IMAGE [MEMORY_MB]: move every started machine of the
-- app to IMAGE (and MEMORY_MB), one machine at a time, each under a lease.
local image = arg[1] or error("usage: rolling_update.lua IMAGE [MEMORY_MB]")
local memory = tonumber(arg[2])

local machines = fly.machines.list{ state = "started" }
table.sort(machines, function(a, b) return a.name < b.name end)
for i, m in ipairs(machines) do
  fly.leases.with(m.id, { ttl = 60, description = "rolling update" }, function()
    local config = m.config
    config.image = image
    if memory then config.guest.memory_mb = memory end
    fly.machines.update(m.id, { config = config })
    fly.machines.wait(m.id, "started", { timeout = "2m" })
  end)
  print(("[%d/%d] %s now runs %s"):format(i, #machines, m.name, image))
end
