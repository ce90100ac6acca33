-- The cases of the issue that made flyscript's Lua conform to 5.1.
local a, b = 1, 2; a, b = b, a; print(a, b)
local t = { "a", "b", n = tostring(5) }; print(#t)
print(tonumber("1e2"))
local n = 0
local function inc() n = n + 1 end
local function outer(fn) inc(); pcall(fn); inc() end
outer(function() pcall(function() error("x") end) end)
outer(function() pcall(function() error("x") end) end)
print(n)
local i, arr = 1, {}
i, arr[i] = i + 1, 20
print(i, arr[1], arr[2])
print(0.1 + 0.2, 1e15, string.format("%s %5.1f %d %q", 0.1 + 0.2, 2.25, 7, "a\n"))
local parts = {}
for k = 1, 3000 do parts[k] = "x" end
print(#table.concat(parts))
print(pcall(table.insert, {}, 1, 2, 3))
print(os.date("!*t", 0).yday, os.date("!*t", 0).wday)
math.randomseed(7)
local r1 = math.random(1000)
math.randomseed(7)
print(r1 == math.random(1000))
print(math.huge, io.type(io.stdout))
print(pcall(setmetatable, "x", {}))
print(getmetatable("x").__index == string)
print(pcall(math.random, 0))
local function deep(k) if k == 0 then return 0 end return 1 + deep(k - 1) end
print(deep(10000))
local ok, err = pcall(function() local function inf() return 1 + inf() end return inf() end)
print(ok, err)
