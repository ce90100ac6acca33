#!/usr/bin/env flyscript
-- rolling_restart.lua: restart the started machines of an app one at a
-- time. Each restart happens under a lease, so that no deploy or other
-- script changes the machine meanwhile, and the next machine waits until
-- this one is started again. The script stops at the first machine that
-- does not come back, leaving the others untouched.
--
--   flyscript --app my-app examples/rolling_restart.lua [timeout]
--
-- timeout: how long each machine may take to start again (default 2m).

local timeout = arg[1] or "2m"

local machines = fly.machines.list{ state = "started" }
table.sort(machines, function(a, b) return a.id < b.id end)
if #machines == 0 then
  print("no started machines: nothing to restart")
  return
end

print(("restarting %d machines, one at a time"):format(#machines))
for i, m in ipairs(machines) do
  fly.leases.with(m.id, { ttl = 60, description = "rolling restart" }, function()
    -- Inside `with`, calls on this machine carry the lease's nonce.
    fly.machines.restart(m.id)
    fly.machines.wait(m.id, "started", { timeout = timeout })
  end)
  local now = fly.machines.get(m.id)
  print(("[%d/%d] %s %s: %s"):format(i, #machines, m.id, m.region, now.state))
end
print("done: every machine restarted")
