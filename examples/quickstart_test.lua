-- Tests of quickstart.lua: `flyscript test examples`.
local t = require("assert")

test("creates, starts, stops and destroys everything it made", function()
  local r = run("quickstart.lua", "qs-demo", "ams")
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "creating app qs%-demo in organization personal")
  t.match(r.stdout, "destroyed the machine and the app")
  t.equal(fly.apps.exists("qs-demo"), false)
  local ops = {}
  for _, q in ipairs(sim.requests()) do
    if q.method ~= "GET" then ops[#ops + 1] = q.op end
  end
  t.same(ops, { "Apps_create", "Machines_create", "Machines_stop", "Machines_delete", "Apps_delete" })
end)

test("FLY_ORG picks the organization", function()
  local r = run("quickstart.lua", "qs-org", { env = { FLY_ORG = "no-such-org" } })
  t.equal(r.ok, false)
  t.match(r.stdout, "in organization no%-such%-org")
  t.same(sim.requests("Machines_create"), {}, "nothing was created")
end)
