#!/usr/bin/env flyscript
-- rolling_image_update.lua: move every machine of an app to a new image,
-- one at a time, under a lease. fly.machines.patch changes the image and
-- nothing else (env, services, guest size stay as they are; a stopped
-- machine stays stopped). A machine that does not come back is rolled back
-- to its old image and the script stops, leaving the rest untouched.
--
--   flyscript --app my-app examples/rolling_image_update.lua registry.fly.io/my-app:v2 [timeout]
--
-- timeout: how long each machine may take to start again (default 2m).

local image, timeout = arg[1], arg[2] or "2m"
if not image then
  io.stderr:write("usage: rolling_image_update.lua IMAGE [timeout]\n")
  os.exit(2)
end

local function count(t)
  local n = 0
  for _ in pairs(t or {}) do n = n + 1 end
  return n
end

local machines = fly.machines.list()
table.sort(machines, function(a, b) return a.id < b.id end)
print(("updating %d machines to %s, one at a time"):format(#machines, image))

for i, m in ipairs(machines) do
  local old = m.config.image
  if old == image then
    print(("[%d/%d] %s already runs %s"):format(i, #machines, m.id, image))
  else
    local ok, err = fly.leases.with(m, { ttl = 60, description = "rolling image update" }, function()
      local updated = fly.machines.patch(m, { config = { image = image } })
      if m.state ~= "started" then
        -- stays stopped; it runs the new image when it starts
        fly.machines.wait(m, m.state, { timeout = timeout })
        return true
      end
      -- A machine that fails fails the wait at once (no sitting out the
      -- timeout); roll it back then.
      local ok, err = pcall(fly.machines.wait, m, "started", { timeout = timeout, version = updated.version })
      if not ok then
        fly.machines.patch(m, { config = { image = old } })
        fly.machines.wait(m, "started", { timeout = timeout })
      end
      return ok, err
    end)
    local now = fly.machines.get(m)
    if not ok then
      print(("[%d/%d] %s %s: %s, rolled back to %s (%s)"):format(i, #machines, m.id, m.region,
        err.code, now.config.image, now.state))
      print("stopped: the remaining machines keep their image")
      os.exit(1)
    end
    print(("[%d/%d] %s %s: %s -> %s (%s, %d env vars kept)"):format(i, #machines, m.id, m.region,
      old, now.config.image, now.state, count(now.config.env)))
  end
end
print("done: every machine runs " .. image)
