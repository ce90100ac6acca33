-- Tests of rotate_secrets.lua.
local t = require("assert")
local c = require("testdata.common")

test("sets new values and rolls them out to every machine", function()
  c.app()
  fly.secrets.set{ SESSION_KEY = "old-session-key" }
  local a, s = c.machine("ord"), c.stopped("ams")
  local r = run("rotate_secrets.lua", "SESSION_KEY", "API_SIGNING_KEY", { app = "demo" })
  t.equal(r.exit, 0, r.stderr)
  t.match(r.stdout, "rotated API_SIGNING_KEY, SESSION_KEY %(secrets version %d+%)")
  local set = sim.requests("Secrets_update")
  t.equal(#set, 2, "the setup's and the script's")
  local values = set[2].body.values
  for _, name in ipairs({ "SESSION_KEY", "API_SIGNING_KEY" }) do
    t.match(values[name], "^%x+$")
    t.equal(#values[name], 64)
  end
  t.not_equal(values.SESSION_KEY, "old-session-key")
  t.equal(#sim.requests("Machines_update"), 2, "each machine is updated")
  t.equal(fly.machines.get(a.id).state, "started")
  t.equal(fly.machines.get(s.id).state, "stopped", "a stopped machine stays stopped")
end)

test("a name that is not UPPER_CASE changes nothing", function()
  c.app()
  local r = run("rotate_secrets.lua", "session_key", { app = "demo" })
  t.equal(r.exit, 1)
  t.match(r.error, "is not a secret name")
  t.same(sim.requests("Secrets_update"), {})
end)
