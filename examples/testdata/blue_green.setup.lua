local c = require("common")
c.app()
c.machine("ord", "registry.fly.io/demo:v1")
c.machine("ams", "registry.fly.io/demo:v1")
