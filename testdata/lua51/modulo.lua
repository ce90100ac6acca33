-- The % operator as Lua 5.1 defines it, a - floor(a/b)*b: fractional and
-- infinite divisors, large operands, strings, __mod, errors and lines.
local function p(...) print(pcall(...)) end
p(function() local x return x % 2 end)
p(function() local x return 2 % x end)
p(function() local t = {} return t.a % 0.5 end)
p(function() return "10" % "3", "5.5" % 0.5, "x" % 2 end)
p(function() return 2 % "x" end)
p(function() return {} % {} end)
p(function() local t = setmetatable({}, {__mod = function(a, b) return "mod" end}) return t % 1, 1 % t, t % 0.5 end)
p(function() return 5 % 0.1, -5 % 0.1, 7 % 2, -7 % 2, 7 % -2, 7.5 % 2, 5 % 0, 1e17 % 3 end)
p(function() local a, b = 10, 3 return a % b, a % -b, -a % b, a % 2.5 end)
p(function() return (5) % (0.1), 2^53 % 2 end)
p(function() local x = nil
  return 1 +
    x % 3 end)
local t = {}
for i = 1, 10 do t[#t + 1] = i % 3 end
print(table.concat(t, ","))
print(0.3 % 0.1, 1 % 0.2, 100 % 0.01, 3.7 - 3.7 % 0.5)
local vals = {5, -5, 5.5, -5.5, 0, 1e17, -1e17, 2^53, 0.3, 1e308, 1/0, -1/0}
local divs = {3, -3, 2, 0.1, 0, 1/0, -1/0, 1e-300, 7}
for _, a in ipairs(vals) do
  local row = {}
  for _, b in ipairs(divs) do row[#row + 1] = string.format("%.17g", a % b) end
  print(a, table.concat(row, " "))
end
