-- soak.lua: the fault soak's script. Arguments: the number of idempotent
-- calls, the number of creates, the prefix of the machines' names (or
-- "-" for creates without a name) and the app. It interleaves
-- the two kinds, catches every failure with pcall so that each one is
-- counted rather than ending the run, and prints one JSON report on stdout.
local n_calls, n_creates, prefix, app = tonumber(arg[1]), tonumber(arg[2]), arg[3], arg[4]
fly.use(app)

local report = {
  calls = 0,          -- idempotent calls made
  call_errors = json.array(), -- their failures: "op: code: message"
  created = json.array(),     -- names whose create returned a machine
  unknown = json.array(),     -- names whose create raised outcome_unknown: {name, message}
  failed = json.array(),      -- names whose create raised another error: {name, code, message}
}

-- ids of machines created so far, for the calls that need one
local ids = {}

-- the idempotent calls, taken in turn
local calls = {
  function() return fly.machines.list() end,
  function() return fly.apps.get(app) end,
  function(id) return fly.machines.get(id) end,
  function(id) return fly.metadata.get(id) end,
  function(id) return fly.leases.get(id) end,
  function(id) return fly.machines.versions(id) end,
  function() return fly.apps.list() end,
  function() return fly.platform.regions() end,
}

local function idempotent(i)
  local id = ids[(i % math.max(#ids, 1)) + 1]
  local fn = calls[(i % #calls) + 1]
  if id == nil then
    fn = calls[1]
  end
  report.calls = report.calls + 1
  local ok, err = pcall(fn, id)
  if not ok then
    -- a lease that is not held is a 404: an answer, not a failure
    if type(err) == "table" and err.op == "fly.leases.get" and err.code == "not_found" then
      return
    end
    report.call_errors[#report.call_errors + 1] = tostring(err)
  end
end

local per_create = math.floor(n_calls / math.max(n_creates, 1))
local done_calls = 0
for c = 1, n_creates do
  local name = string.format("%s-%04d", prefix, c)
  local ok, res = pcall(fly.machines.create, {
    name = prefix ~= "-" and name or nil,
    region = "ord",
    config = { image = "nginx:1.27", guest = { cpus = 1, memory_mb = 256 } },
  })
  if ok then
    report.created[#report.created + 1] = name
    ids[#ids + 1] = res.id
  elseif type(res) == "table" and res.code == "outcome_unknown" then
    report.unknown[#report.unknown + 1] = { name = name, message = res.message }
  else
    report.failed[#report.failed + 1] = {
      name = name,
      code = type(res) == "table" and res.code or "lua",
      message = tostring(res),
    }
  end
  for _ = 1, per_create do
    done_calls = done_calls + 1
    idempotent(done_calls)
  end
end
while done_calls < n_calls do
  done_calls = done_calls + 1
  idempotent(done_calls)
end

print(json.encode(report))
