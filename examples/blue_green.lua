#!/usr/bin/env flyscript
-- blue_green.lua: move an app to a new image without a moment of downtime.
--
--   1. For every running ("blue") machine, create a "green" twin on the new
--      image, in the same region, kept out of the proxy
--      (skip_service_registration) until it is ready.
--   2. Wait until every green machine has started.
--   3. Switch traffic: uncordon the green machines, cordon the blue ones.
--   4. Stop and destroy the blue machines.
--
-- If anything fails before the switch, the green machines are destroyed and
-- the blue ones keep serving.
--
--   flyscript --app my-app examples/blue_green.lua registry.fly.io/my-app:v2

local image = arg[1]
if not image then
  io.stderr:write("usage: blue_green.lua IMAGE\n")
  os.exit(2)
end

local function is_green(m)
  return m.config.metadata and m.config.metadata.deploy_color == "green"
end

local blue = {}
for _, m in ipairs(fly.machines.list{ state = "started" }) do
  if not is_green(m) then table.insert(blue, m) end
end
table.sort(blue, function(a, b) return a.id < b.id end)
if #blue == 0 then
  print("no running machines to replace")
  return
end
print(("blue: %d machines, green image: %s"):format(#blue, image))

local green = {}
local ok, err = pcall(function()
  for _, b in ipairs(blue) do
    local config = b.config
    config.image = image
    config.metadata = config.metadata or {}
    config.metadata.deploy_color = "green"
    local g = fly.machines.create{
      region = b.region,
      config = config,
      skip_service_registration = true,
    }
    table.insert(green, g)
    print(("  green %s created in %s (replaces %s)"):format(g.id, g.region, b.id))
  end
  for _, g in ipairs(green) do
    fly.machines.wait(g.id, "started", { timeout = "5m" })
  end
  print("all green machines started")
end)
if not ok then
  print("green machines did not come up; rolling back: " .. tostring(err))
  for _, g in ipairs(green) do
    fly.machines.destroy(g.id, { force = true })
  end
  error(err, 0)
end

-- The switch: green in, blue out.
for _, g in ipairs(green) do
  fly.machines.uncordon(g.id)
end
for _, b in ipairs(blue) do
  fly.machines.cordon(b.id)
end
print("traffic switched to green")

for _, b in ipairs(blue) do
  fly.machines.stop(b.id)
  fly.machines.wait(b.id, "stopped")
  fly.machines.destroy(b.id)
  fly.machines.wait(b.id, "destroyed")
  print("  blue " .. b.id .. " destroyed")
end

for _, m in ipairs(fly.machines.list()) do
  print(("%s %s %s cordoned=%s"):format(m.id, m.region, m.config.image, tostring(m.cordoned == true)))
end
