-- The os library, deterministic parts: fixed times in UTC ("!").
local t0 = 1700000000 -- 2023-11-14 22:13:20 UTC, a Tuesday
for _, c in ipairs({"a", "A", "b", "B", "c", "d", "H", "I", "j", "m", "M", "p", "S", "U", "w", "W", "x", "X", "y", "Y", "%"}) do
  io.write(c, "=", os.date("!%" .. c, t0), "\n")
end
print(os.date("!%Y-%m-%d %H:%M:%S", 0))
print(os.date("!%c", 86400 * 365.25 * 30))
print(os.date("!%j %U %W %w", 1704067200)) -- 2024-01-01, a Monday
print(os.date("!%j %U %W %w", 1735603200)) -- 2024-12-31, a leap year's last day
print(os.date("!%I %p", 1700000000 - 22 * 3600), os.date("!%I %p", 1700000000 - 10 * 3600))
print(os.date("!literal text"), os.date("!") == "")
local d = os.date("!*t", t0)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
local keys = {}
for k in pairs(d) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, " "))
-- os.time with a table: differences do not depend on the time zone.
local a = os.time({year = 2024, month = 3, day = 1, hour = 12})
local b = os.time({year = 2024, month = 2, day = 28, hour = 12})
print(os.difftime(a, b), os.difftime(a, b) / 86400)
print(os.time({year = 2024, month = 1, day = 31 + 1, hour = 0}) - os.time({year = 2024, month = 2, day = 1, hour = 0}))
print(os.time({year = 2023, month = 12, day = 31, hour = 12, min = 30, sec = 15}) - os.time({year = 2023, month = 12, day = 31, hour = 12}))
print(pcall(os.time, {year = 2024}))
print(type(os.time()), type(os.clock()), os.clock() >= 0, type(os.date()))
print(os.difftime(10, 4), os.difftime(5))
print(os.getenv("FLYSCRIPT_SURELY_UNSET_VARIABLE"))
print(type(os.tmpname), type(os.remove), type(os.rename), type(os.exit))
-- glibc's answers: the zone names of local (TZ=UTC) and ! dates, nil for a
-- time out of struct tm's range and for mktime's -1, isdst against the rules.
print(os.date("%Z", 0), os.date("!%Z", 0), os.date("%Y", 2^60), os.date("!*t", 1e30))
print(os.time{year = 1969, month = 12, day = 31, hour = 23, min = 59, sec = 59}, os.time{year = 1970, month = 1, day = 1, hour = 0})
print(os.time{year = 2024, month = 6, day = 1, isdst = true} - os.time{year = 2024, month = 6, day = 1, isdst = false})
