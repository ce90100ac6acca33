-- volumes, secrets, metadata, certificates, IPs, apps and the rest
local t = require("assert")

fly.apps.create{ name = "res-app", org_slug = "personal" }
local app = fly.use("res-app")
t.equal(fly.apps.get("res-app").name, "res-app")
local listed = false
for _, a in ipairs(fly.apps.list()) do
  if a.name == "res-app" then listed = true end
end
t.equal(listed, true)

-- volumes
local v = fly.volumes.create{ name = "data", region = "ord", size_gb = 3 }
t.equal(tostring(v), "<volume " .. v.id .. " data ord 3GB " .. v.state .. ">")
t.equal(#fly.volumes.list(), 1)
local ext = fly.volumes.extend(v.id, 10)
t.equal(ext.volume.size_gb, 10)
t.equal(type(ext.needs_restart), "boolean")
fly.volumes.update(v.id, { snapshot_retention = 10 })
t.equal(fly.volumes.get(v.id).snapshot_retention, 10)
fly.volumes.snapshot(v.id)
t.equal(type(fly.volumes.snapshots(v.id)), "table")
fly.volumes.destroy(v.id)

-- secrets
fly.secrets.set("DATABASE_URL", "postgres://x")
fly.secrets.set{ A = "1", B = "2" }
local names = {}
for _, s in ipairs(fly.secrets.list()) do names[s.name] = true end
t.equal(names.DATABASE_URL and names.A and names.B, true)
t.equal(fly.secrets.get("A").name, "A")
fly.secrets.delete("A")

-- metadata
local m = fly.machines.create{ region = "ord", config = { image = "nginx" } }
fly.metadata.set(m.id, "role", "db")
t.equal(fly.metadata.get(m.id, "role"), "db")
t.equal(fly.metadata.get(m.id, "missing"), nil)
fly.metadata.set(m.id, { tier = "gold", role = json.null })
local md = fly.metadata.get(m.id)
t.equal(md.tier, "gold")
t.equal(md.role, nil)
fly.metadata.delete(m.id, "tier")
t.equal(fly.metadata.get(m.id).tier, nil)
t.equal(#fly.machines.list{ metadata = { tier = "gold" } }, 0)

-- certificates and IPs
local cert = fly.certificates.request_acme("www.example.com")
t.equal(cert.hostname, "www.example.com")
t.equal(#fly.certificates.list(), 1)
t.equal(fly.certificates.get("www.example.com").hostname, "www.example.com")
fly.certificates.check("www.example.com")
fly.certificates.destroy("www.example.com")
local ip = fly.ips.assign{ type = "v6" }
t.equal(type(ip.ip), "string")
t.equal(#fly.ips.list(), 1)
fly.ips.release(ip.ip)
t.equal(#fly.ips.list(), 0)

-- platform, orgs, deploy tokens
local regions, nearest = fly.platform.regions()
t.equal(#regions > 0, true)
t.equal(type(fly.orgs.volumes("personal")), "table")
t.equal(type(fly.apps.deploy_token("res-app").token), "string")

-- fly.request: the raw escape hatch
local body, status = fly.request("GET", "/v1/apps/res-app")
t.equal(status, 200)
t.equal(body.name, "res-app")

fly.apps.destroy("res-app", { force = true })
t.equal(fly.apps.exists("res-app"), false)
