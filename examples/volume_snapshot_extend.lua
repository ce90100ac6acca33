#!/usr/bin/env flyscript
-- volume_snapshot_extend.lua: grow a volume safely. It takes an on-demand
-- snapshot first, waits until the snapshot is complete, extends the volume,
-- and restarts the machine it is attached to when the new size needs it.
--
--   flyscript --app my-app examples/volume_snapshot_extend.lua data 20
--
-- Arguments: the volume's id or name, and the new size in GB.

local target, size = arg[1], tonumber(arg[2])
if not target or not size then
  io.stderr:write("usage: volume_snapshot_extend.lua VOLUME SIZE_GB\n")
  os.exit(2)
end

local vol
for _, v in ipairs(fly.volumes.list()) do
  if v.id == target or v.name == target then
    if vol then error(("more than one volume is named %q: use its id"):format(target), 0) end
    vol = v
  end
end
if not vol then error(("no volume %q in this app"):format(target), 0) end

print(("volume %s (%s): %d GB in %s, attached to %s"):format(
  vol.id, vol.name, vol.size_gb, vol.region, vol.attached_machine_id or "no machine"))
if size <= vol.size_gb then
  print(("already %d GB: volumes only grow, nothing to do"):format(vol.size_gb))
  return
end

local before = #fly.volumes.snapshots(vol.id)
fly.volumes.snapshot(vol.id)
-- Poll until the new snapshot is complete: quickly at first, then every 5 s,
-- for 10 minutes at most.
local snap, pause, deadline = nil, 0.1, time.now() + 600
while true do
  local snaps = fly.volumes.snapshots(vol.id)
  table.sort(snaps, function(a, b) return a.created_at < b.created_at end)
  snap = snaps[#snaps]
  if #snaps > before and snap.status ~= "running" and snap.status ~= "pending" then break end
  if time.now() > deadline then break end
  time.sleep(pause)
  pause = math.min(pause * 2, 5)
end
if not snap or snap.status == "running" or snap.status == "pending" then
  error("the snapshot did not complete; the volume was not extended", 0)
end
print(("snapshot %s: %s"):format(snap.id, snap.status))

local res = fly.volumes.extend(vol.id, size)
print(("extended to %d GB (needs restart: %s)"):format(res.volume.size_gb, tostring(res.needs_restart)))

if res.needs_restart and vol.attached_machine_id then
  local id = vol.attached_machine_id
  fly.leases.with(id, { ttl = 60, description = "volume extend" }, function()
    fly.machines.restart(id)
    fly.machines.wait(id, "started", { timeout = "2m" })
  end)
  print("restarted " .. id .. " so that it sees the new size")
end
