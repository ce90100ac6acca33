#!/usr/bin/env flyscript
-- rolling_update.lua: move every started machine of an app to a new image
-- (and, optionally, a new memory size), one machine at a time. Each update
-- happens under a lease, and the next machine waits until this one has
-- started again, so that the app keeps serving. The script stops at the first
-- machine that does not come back, leaving the others untouched.
--
-- Read what it would do first, then run it:
--
--   flyscript plan --app my-app examples/rolling_update.lua nginx:1.28 1024
--   flyscript --app my-app examples/rolling_update.lua nginx:1.28 1024

local image = arg[1]
local memory = arg[2] and tonumber(arg[2])
if not image or (arg[2] and not memory) then
  io.stderr:write("usage: rolling_update.lua IMAGE [MEMORY_MB]\n")
  os.exit(2)
end

local machines = fly.machines.list{ state = "started" }
table.sort(machines, function(a, b) return a.id < b.id end)
print(("updating %d machines to %s, one at a time"):format(#machines, image))
for i, m in ipairs(machines) do
  fly.leases.with(m.id, { ttl = 60, description = "rolling update to " .. image }, function()
    local config = m.config
    config.image = image
    if memory then
      config.guest = config.guest or {}
      config.guest.memory_mb = memory
    end
    fly.machines.update(m.id, { config = config })
    fly.machines.wait(m.id, "started", { timeout = "2m" })
  end)
  print(("[%d/%d] %s %s: %s"):format(i, #machines, m.id, m.region, fly.machines.get(m.id).config.image))
end
print("done: every started machine runs " .. image)
