-- The concatenation operator: numbers as %.14g, __concat, errors naming the operand.
print(pcall(function() local b; return "a" .. b .. "c" end))
print(pcall(function() return "a" .. missing end))
print(pcall(function() local ok = true return "a" .. ok end))
print(pcall(function() return {} .. "x" end))
print(pcall(function() return "x" .. {} end))
local M = setmetatable({}, {__concat = function(a, b) return "M(" .. tostring(type(a)) .. "," .. tostring(type(b)) .. ")" end})
print("a" .. M, M .. "b", "a" .. "b" .. M, M .. "a" .. "b", 1 .. M .. 2)
print(pcall(function() return ("x"):rep(2) .. nil end))
print(1 .. 2, 1.5 .. "", -0.0 .. "", 2^63 .. "", "a" .. 1e100)
local n = 0.1
print(n + 0.2 .. "", "t=" .. n * 3, ("%s"):format(n) .. "!")
local function f() return "x", "y" end
print(f() .. "z", "z" .. f())
print(#("a" .. "b" .. "c"), type("a" .. 1))
print(pcall(function() local u = {} return u.a .. u.b end))
local function va(...) return "<" .. ... .. ">" end
print(va("one", "two"), pcall(va))
local parts = {}
for i = 1, 3 do parts[#parts + 1] = i .. ":" .. i / 4 end
print(table.concat(parts, " "))
local s = "x"
for _ = 1, 10 do s = s .. s end
print(#s, #(s .. s .. s))
