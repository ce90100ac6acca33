local t = require("assert")

test("a start retried through two 429s", function()
  fly.apps.create{ name = "web", org_slug = "personal" }
  local h = fly.use("web")
  local m = h.machines.create{ config = { image = "nginx" } }
  h.machines.stop(m.id)
  -- A POST is retried only when it provably was not processed: a 429.
  sim.fail{ op = "Machines_start", status = 429, times = 2, machine = m.id }
  local t0 = time.now()
  h.machines.start(m.id)
  local starts = sim.requests("Machines_start")
  t.equal(#starts, 3)
  t.same({ starts[1].status, starts[2].status, starts[3].status }, { 429, 429, 200 })
  t.truthy(time.now() - t0 >= 2, "Retry-After: 1 was honoured, in virtual time")
  t.equal(h.machines.get(m.id).state, "started")
end)

test("a 503 on a start is not repeated: its outcome is unknown", function()
  fly.apps.create{ name = "web", org_slug = "personal" }
  local h = fly.use("web")
  local m = h.machines.create{ config = { image = "nginx" } }
  h.machines.stop(m.id)
  sim.fail{ op = "Machines_start", status = 503 }
  local err = t.error(function() h.machines.start(m.id) end)
  t.equal(err.status, 503)
  t.equal(#sim.requests("Machines_start"), 1)
end)

test("a read is retried through 503s", function()
  fly.apps.create{ name = "web", org_slug = "personal" }
  local h = fly.use("web")
  sim.fail{ op = "Machines_list", status = 503, times = 2 }
  t.same(h.machines.list(), {})
  local lists = sim.requests("Machines_list")
  t.same({ lists[1].status, lists[2].status, lists[3].status }, { 503, 503, 200 })
end)

test("a failure that outlasts the retries reaches the script", function()
  fly.apps.create{ name = "web", org_slug = "personal" }
  sim.fail{ op = "Apps_show", status = 500, times = 100 }
  local err = t.error(function() fly.apps.get("web") end)
  t.equal(err.status, 500)
end)

test("bodies are decoded", function()
  fly.apps.create{ name = "web", org_slug = "personal" }
  local r = sim.requests()[1]
  t.same(r.body, { name = "web", org_slug = "personal" })
  t.equal(r.method, "POST")
  t.equal(r.op, "Apps_create")
end)
