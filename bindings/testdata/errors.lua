-- error values and strict tables against the simulator
local t = require("assert")

fly.apps.create{ name = "err-app", org_slug = "personal" }
fly.use("err-app")

local ok, err = pcall(fly.machines.get, "0000000000000")
t.equal(ok, false)
t.equal(err.op, "fly.machines.get")
t.equal(err.status, 404)
t.equal(err.code, "not_found")
t.equal(type(err.message), "string")
t.equal(err.retryable, false)
t.equal(tostring(err):find("^fly%.machines%.get: 404 not_found: ") ~= nil, true, tostring(err))

-- app names are taken once
ok, err = pcall(fly.apps.create, { name = "err-app", org_slug = "personal" })
t.equal(ok, false)
t.equal(err.code, "name_taken")
t.equal(type(err.hint), "string")

-- strict tables raise before any request
ok, err = pcall(fly.machines.create, { config = { imagee = "nginx" } })
t.equal(tostring(err), 'fly.machines.create: config.imagee: unknown field (did you mean "image"?)')
ok, err = pcall(fly.machines.create, { config = { guest = { cpus = "1" } } })
t.equal(err.message, "config.guest.cpus: expected integer, got string")

-- argument mistakes are Lua's usual errors
ok, err = pcall(fly.machines.get)
t.equal(type(err), "string")
t.equal(err:find("bad argument #1 to 'fly.machines.get' (string expected, got nil)", 1, true) ~= nil, true, err)

-- exists: 404 is false
t.equal(fly.apps.exists("err-app"), true)
t.equal(fly.apps.exists("no-such-app"), false)
