-- secret keys, tokens and Managed Postgres
local t = require("assert")

fly.apps.create{ name = "more-app", org_slug = "personal" }
fly.use("more-app")

-- secret keys
fly.secretkeys.generate("signing", { type = "nacl_sign" })
local keys = fly.secretkeys.list()
t.equal(#keys, 1)
t.equal(keys[1].name, "signing")
t.equal(fly.secretkeys.get("signing").name, "signing")
fly.secretkeys.delete("signing")
t.equal(#fly.secretkeys.list(), 0)

-- tokens
t.equal(type(fly.tokens.current()), "table")

-- postgres
local pg = fly.postgres.create{ name = "db", org_slug = "personal", region = "ord", plan = "basic" }
t.equal(type(pg.id), "string")
t.equal(fly.postgres.get(pg.id).id, pg.id)
local found = false
for _, c in ipairs(fly.postgres.list()) do
  if c.id == pg.id then found = true end
end
t.equal(found, true)
t.equal(type(fly.postgres.databases.list(pg.id)), "table")
t.equal(type(fly.postgres.users.list(pg.id)), "table")
t.equal(type(fly.postgres.backups.list(pg.id)), "table")
fly.postgres.destroy(pg.id)
