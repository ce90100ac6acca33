-- env: the Go test's environment holds FLY_APP_NAME=web and EMPTY="".
local t = require("assert")

t.equal(env.get("FLY_APP_NAME"), "web")
t.equal(env.get("NOPE"), nil)
t.equal(env.get("NOPE", "dflt"), "dflt")
t.equal(env.get("NOPE", 3), 3)
t.equal(env.get("EMPTY", "dflt"), "", "set but empty is still set")
t.equal(env.require("FLY_APP_NAME"), "web")
local err = t.error(function() env.require("FLY_API_TOKEN") end)
t.match(err, "env.require: FLY_API_TOKEN is not set (hint: export FLY_API_TOKEN=...)")
t.match(err, "^testdata/env.lua:%d+: ", "the error points at the caller")
t.error(function() env.require("EMPTY") end, "env.require: EMPTY is empty (hint: export EMPTY=...)")
