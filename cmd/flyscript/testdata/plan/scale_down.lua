-- scale_down.lua N: keep N started machines, stop and destroy the others
-- (the last ones by name).
local keep = tonumber(arg[1]) or error("usage: scale_down.lua N")

local machines = fly.machines.list{ state = "started" }
table.sort(machines, function(a, b) return a.name < b.name end)
for i = keep + 1, #machines do
  local m = machines[i]
  fly.machines.stop(m.id)
  fly.machines.wait(m.id, "stopped")
  fly.machines.destroy(m.id)
  print("removed " .. m.name)
end
print(("%d machines left"):format(#fly.machines.list()))
