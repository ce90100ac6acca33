-- The math library.
print(math.floor(3.7), math.floor(-3.7), math.floor(3), math.ceil(3.2), math.ceil(-3.2), math.ceil(3))
print(math.fmod(7, 3), math.fmod(-7, 3), math.fmod(7, -3), math.fmod(5.5, 2), 7 % 3, -7 % 3, 7 % -3, 5.5 % 2)
print(math.modf(3.7), math.modf(-3.7), math.modf(5))
print(math.huge, -math.huge, math.huge > 1e308, math.pi, string.format("%.10f", math.pi))
print(math.min(3, 1, 2), math.max(3, 1, 2), math.min(-1), math.max(1.5, 2.5), pcall(math.min))
print(math.abs(-4), math.abs(4.5), math.sqrt(16), math.sqrt(2), 2 ^ 0.5, 2 ^ 10, 2 ^ -1)
print(math.exp(0), math.log(1), math.log10(1000), math.log(math.exp(2)), math.exp(1))
print(math.sin(0), math.cos(0), math.tan(0), math.asin(1), math.acos(1), math.atan(1), math.atan2(1, 1))
print(math.sinh(0), math.cosh(0), math.tanh(0), math.deg(math.pi), math.rad(180))
print(math.pow(2, 8), math.ldexp(1, 4), math.frexp(8), math.frexp(0.5))
print(10 / 4, 10 / 5, 3 * 1.5, 2 ^ 53 + 1, 1 / 3, -1 / 3, 100 / 3)
-- randomseed: the same seed gives the same sequence within a run.
math.randomseed(42)
local s1 = {}
for i = 1, 5 do s1[i] = math.random(1, 100) end
math.randomseed(42)
local same = true
for i = 1, 5 do if math.random(1, 100) ~= s1[i] then same = false end end
print("repeatable", same)
local inrange = true
for _ = 1, 1000 do
  local r, f = math.random(3, 5), math.random()
  if r < 3 or r > 5 or r ~= math.floor(r) or f < 0 or f >= 1 then inrange = false end
  local k = math.random(7)
  if k < 1 or k > 7 then inrange = false end
end
print("in range", inrange)
print(pcall(math.random, 0))
print(pcall(math.random, 5, 1))
print(pcall(math.random, 1, 2, 3))
print(pcall(math.floor, "x"))
print(math.floor("3.5"), math.max("10", 9))
print(tostring(math.floor(-0.5)), math.ceil(-0.5) == 0)
print(8 % 3.5, -8 % 3.5, 2^31, 2^31 % 7, math.floor(2^40 / 3))
local inf = math.huge
print(inf - inf ~= inf - inf, -inf < inf, math.floor(inf) == inf, math.max(1, inf))
