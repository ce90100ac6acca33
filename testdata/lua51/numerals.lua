-- Numerals as C Lua 5.1 reads them (llex.c's read_numeral, then C's
-- strtod): hexadecimal numerals with a binary exponent, hexadecimal
-- integers past 2^64, overflow to infinity, and the malformed ones.
print(0x1p4, 0X1P4, 0x10p0, 0x1p04, 0xAp3, 2^0x1p2)
print(0x1p4 .. "", -0x1p4, 0x1p400000, 0x1p1023 * 2)
print(0xffffffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff)
print(1e999, -1e999, 1e309, 1e308)
print(0x1e, 0x1e+5, 1e5, .5, 5., 3 .. 4)
local s = "0x1p4" -- strings and comments keep it: 0x1p4
print(s, #s)
for _, src in ipairs({ "return 0x1p4", "return 0xAp-2", "return 0x1p", "return 0x",
  "return 0x1p4p", "return 0x1.8p1", "return 0x1P+4", "return 1p4", "return 0x1p4abc",
  "return 1e", "return 1..2", "return 0xp1", "x = 1\nreturn 0x1p2\n+ 0x1p1",
  "return 0x1p4 +", "error('x')\nreturn 0x1p4", "local a = 0x1p4\nerror('y')" }) do
  local f, err = loadstring(src)
  if f then print(pcall(f)) else print(err) end
end
print(tonumber("0xffffffffffffffffff"), tonumber("0x1p4"), tonumber("0x1.8"), tonumber("0x.8"),
  tonumber("0x1p-2"), tonumber("-0x10"), tonumber("0x"), tonumber("0x1g"))
