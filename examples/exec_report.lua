#!/usr/bin/env flyscript
-- exec_report.lua: run a command on every started machine of an app and
-- print one line per machine, then a summary. The exit status is 1 when
-- the command failed anywhere, so the script fits in a CI job or a cron.
--
--   flyscript --app my-app examples/exec_report.lua df -h /data
--   flyscript --app my-app examples/exec_report.lua          (default: uname -a)

local command = #arg > 0 and { unpack(arg) } or { "uname", "-a" }

local machines = fly.machines.list{ state = "started" }
table.sort(machines, function(a, b) return a.id < b.id end)
print(("running `%s` on %d machines"):format(table.concat(command, " "), #machines))

local failed = 0
for _, m in ipairs(machines) do
  local ok, res = pcall(fly.machines.exec, m.id, command, { timeout = 30 })
  local status, first_line
  if not ok then
    status, first_line = "error", tostring(res)
  else
    status = res.exit_code == 0 and "ok" or ("exit " .. tostring(res.exit_code))
    local out = (res.stdout ~= nil and res.stdout ~= "") and res.stdout or (res.stderr or "")
    first_line = out:match("[^\n]*") or ""
    if first_line == "" then first_line = "(no output)" end
  end
  if status ~= "ok" then failed = failed + 1 end
  print(("%-16s %-4s %-8s %s"):format(m.id, m.region, status, first_line))
end

print(("%d ok, %d failed"):format(#machines - failed, failed))
if failed > 0 then os.exit(1) end
