local c = require("common")
c.app()
local env = { config = { env = { APP_ENV = "production", LOG_LEVEL = "info" } } }
c.machine("ord", "registry.fly.io/demo:v1", env)
c.machine("ams", "registry.fly.io/demo:v1", env)
local m = c.machine("ord", "registry.fly.io/demo:v1", env)
fly.machines.stop(m)
fly.machines.wait(m, "stopped")
