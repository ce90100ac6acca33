#!/usr/bin/env flyscript
-- scale_regions.lua: bring an app to a number of machines per region.
-- New machines copy the configuration of an existing one; surplus machines
-- go stopped ones first, then the newest.
--
--   flyscript --app my-app examples/scale_regions.lua ord=3,ams=2,syd=0
--   flyscript --app my-app examples/scale_regions.lua ord=3 --dry-run

local spec, dry_run = nil, false
for _, a in ipairs(arg) do
  if a == "--dry-run" then dry_run = true else spec = a end
end
if not spec then
  io.stderr:write("usage: scale_regions.lua REGION=COUNT[,REGION=COUNT...] [--dry-run]\n")
  os.exit(2)
end

local want = {}
for region, count in spec:gmatch("([%a%d]+)=(%d+)") do
  want[region] = tonumber(count)
end

local machines = fly.machines.list()
if #machines == 0 then
  error("the app has no machine to copy the configuration from", 0)
end
local template = machines[1]
table.sort(machines, function(a, b) return a.id < b.id end)

local by_region = {}
for _, m in ipairs(machines) do
  by_region[m.region] = by_region[m.region] or {}
  table.insert(by_region[m.region], m)
end

local regions = {}
for r in pairs(want) do table.insert(regions, r) end
table.sort(regions)

for _, region in ipairs(regions) do
  local have = by_region[region] or {}
  local target = want[region]
  local line = ("%s: %d -> %d"):format(region, #have, target)
  if #have == target then
    print(line .. " (nothing to do)")
  elseif #have < target then
    print(line .. (" (create %d)"):format(target - #have))
    if not dry_run then
      for _ = 1, target - #have do
        local m = fly.machines.create{ region = region, config = template.config }
        fly.machines.wait(m.id, "started")
        print("  created " .. m.id)
      end
    end
  else
    print(line .. (" (destroy %d)"):format(#have - target))
    -- Stopped machines go first, then the newest.
    table.sort(have, function(a, b)
      if (a.state == "stopped") ~= (b.state == "stopped") then return a.state == "stopped" end
      return a.created_at > b.created_at or (a.created_at == b.created_at and a.id > b.id)
    end)
    if not dry_run then
      for i = 1, #have - target do
        fly.machines.destroy(have[i].id, { force = true })
        fly.machines.wait(have[i].id, "destroyed")
        print("  destroyed " .. have[i].id)
      end
    end
  end
end

if dry_run then return end
local counts = {}
for _, m in ipairs(fly.machines.list()) do
  counts[m.region] = (counts[m.region] or 0) + 1
end
local summary = {}
for _, region in ipairs(regions) do
  table.insert(summary, ("%s=%d"):format(region, counts[region] or 0))
end
print("now: " .. table.concat(summary, ","))
