-- Number formatting and conversion.
local zero = 0
local negzero = -zero
print(1, -1, 1.5, 100, 1e14, 1e15, 1e16, 123456789012345, 2^53, 2^63, 1e100, 1e-5, 0.1, 1/3)
print(0.1 + 0.2, 3.14159265358979, 1e300 * 10, -1e300 * 10, negzero, 100 / 2, 7 / 2)
print(tostring(1e15), tostring(0.1 + 0.2), tostring(-1.5e-7), tostring(2^31), tostring(12345678901234567))
print(string.format("%s|%s", 1e15, 0.1 + 0.2))
io.write(1e15, " ", 0.1 + 0.2, " ", 2^63, " ", -0.0 + 0, "\n")
print(1e15 .. "", 0.1 .. "", 1 .. "", 1.5 .. "x", -2 .. "", 2^53 .. "", (0.1 + 0.2) .. "")
print(12 .. 34, 1e100 .. "", 123456789012 .. "")
local nan = zero / zero
print(nan ~= nan, nan == nan, tostring(1 / zero), tostring(-1 / zero))
print(math.floor(2^31 + 0.5), 2^31 + 0.5, -2^31)
print(255 == 0xff, 0x10, 0xA, 1e2, .5, 5., 3e-2)
-- tonumber with bases, exponents and white space.
print(tonumber("10"), tonumber("  10  "), tonumber("10.5"), tonumber("1e2"), tonumber("1E-2"), tonumber(".5"), tonumber("5."))
print(tonumber("0x10"), tonumber("0X1f"), tonumber("-0x10"), tonumber("1e"), tonumber(""), tonumber(" "), tonumber("abc"))
print(tonumber("10", 2), tonumber("ff", 16), tonumber("FF", 16), tonumber("zz", 36), tonumber("777", 8), tonumber("8", 8))
print(tonumber(" 11 ", 2), tonumber("-11", 2), tonumber("1.5", 10), tonumber("0x10", 16), tonumber("10", 36))
print(tonumber(nil), tonumber(true), tonumber({}), tonumber(42), tonumber("\t\n42\r"))
print(pcall(tonumber, "10", 1), pcall(tonumber, "10", 37))
print(pcall(tonumber))
print(tonumber("1e500"), tonumber("-1e500"), tonumber("0x"), tonumber("1 2"), tonumber("1_000"))
print("10" + 5, "3.5" * 2, "0x10" + 0, " 2 " * 3, 10 .. 20)
print(pcall(function() return "abc" + 1 end))
print("10" == 10, 10 < 20, "10" < "9", pcall(function() return "10" < 9 end))
print(math.floor(-7 / 2), -7 % 2, 7 % -2, -7 % -2, 2^-1074 > 0)
print(string.format("%.20g", 0.1), string.format("%d", 2^31), string.format("%.0f", 2^63))
