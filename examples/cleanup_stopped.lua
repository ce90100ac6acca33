#!/usr/bin/env flyscript
-- cleanup_stopped.lua: destroy the machines that have been stopped for more
-- than N hours (by their last update), and report what was freed.
--
--   flyscript --app my-app examples/cleanup_stopped.lua 24 --dry-run
--   flyscript --app my-app examples/cleanup_stopped.lua 24

local hours, dry_run = 24, false
for _, a in ipairs(arg) do
  if a == "--dry-run" then
    dry_run = true
  elseif tonumber(a) then
    hours = tonumber(a)
  else
    io.stderr:write("usage: cleanup_stopped.lua [HOURS] [--dry-run]\n")
    os.exit(2)
  end
end

local old, kept = {}, 0
for _, m in ipairs(fly.machines.list{ state = "stopped" }) do
  local idle = time.since(m.updated_at)
  if idle > hours * 3600 then
    table.insert(old, { machine = m, idle = idle })
  else
    kept = kept + 1
  end
end
table.sort(old, function(a, b) return a.machine.id < b.machine.id end)

print(("%d machines stopped for more than %g hours, %d stopped more recently"):format(#old, hours, kept))
for _, o in ipairs(old) do
  local m = o.machine
  local verb = dry_run and "would destroy" or "destroying"
  print(("  %s %s (%s, %s, stopped %.0fh ago)"):format(verb, m.id, m.name, m.region, o.idle / 3600))
  if not dry_run then
    fly.machines.destroy(m.id)
    fly.machines.wait(m.id, "destroyed")
  end
end
if not dry_run and #old > 0 then
  print(("%d machines left in the app"):format(#fly.machines.list()))
end
