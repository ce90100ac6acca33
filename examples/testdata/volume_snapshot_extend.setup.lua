local c = require("common")
c.app()
local vol = fly.volumes.create{ name = "data", region = "ord", size_gb = 10 }
c.machine("ord", nil, { config = { mounts = { { volume = vol.id, path = "/data" } } } })
