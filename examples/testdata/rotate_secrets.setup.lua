local c = require("common")
c.app()
fly.secrets.set{ SESSION_KEY = "old-session-key", DATABASE_URL = "postgres://db.internal/app" }
c.machine("ord")
c.machine("ams")
c.stopped("ord")
