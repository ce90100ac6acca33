-- cleanup.lua APP [--dry-run]: destroys the machines of APP that have been
-- stopped for more than a day.
local app = arg[1] or error("usage: cleanup.lua APP [--dry-run]")
local dry = arg[2] == "--dry-run"
local h = fly.use(app)
local n = 0
for _, m in ipairs(h.machines.list()) do
  if m.state == "stopped" and time.since(m.updated_at) > 24 * 3600 then
    if not dry then
      h.machines.destroy(m.id)
    end
    n = n + 1
    print("old: " .. m.id)
  end
end
print(string.format("%s %d machine(s)", dry and "would destroy" or "destroyed", n))
if n > 0 and dry then
  os.exit(3)
end
