#!/usr/bin/env flyscript
-- rotate_secrets.lua: give secrets new random values and roll them out. The
-- new values are set in one update, then every machine is updated, one at a
-- time under a lease, with min_secrets_version so that it restarts with
-- the new values. The values themselves are never printed.
--
--   flyscript --app my-app examples/rotate_secrets.lua SESSION_KEY API_SIGNING_KEY

if #arg == 0 then
  io.stderr:write("usage: rotate_secrets.lua NAME [NAME...]\n")
  os.exit(2)
end

local values = {}
for _, name in ipairs(arg) do
  if not name:match("^[%u_][%u%d_]*$") then
    error(("%q is not a secret name (use UPPER_CASE)"):format(name), 0)
  end
  -- 32 bytes from the operating system's secure generator, as 64 hex
  -- digits (never math.random for secrets: it is predictable).
  values[name] = crypto.random_hex(32)
end

local res = fly.secrets.set(values)
local names = {}
for name in pairs(values) do table.insert(names, name) end
table.sort(names)
print(("rotated %s (secrets version %d)"):format(table.concat(names, ", "), res.version))

local machines = fly.machines.list()
table.sort(machines, function(a, b) return a.id < b.id end)
for i, m in ipairs(machines) do
  fly.leases.with(m, { ttl = 120, description = "secrets rotation" }, function()
    -- patch keeps the machine's config as it is and a stopped machine
    -- stopped: it reads the new values when it next starts.
    local updated = fly.machines.patch(m, { min_secrets_version = res.version })
    if m.state == "started" then
      fly.machines.wait(m, "started", { timeout = "2m", version = updated.version })
    end
  end)
  print(("[%d/%d] %s %s picks up the new secrets"):format(i, #machines, m.id, m.region))
end

local listed = {}
for _, s in ipairs(fly.secrets.list()) do table.insert(listed, s.name) end
table.sort(listed)
print("secrets of the app: " .. table.concat(listed, ", "))
