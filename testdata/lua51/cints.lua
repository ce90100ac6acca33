-- Numbers out of the range of a C long or int where the library takes one:
-- x86-64 gives 0x8000000000000000 for a long out of range, and an int is a
-- long's low 32 bits (luaL_checkint); string.lower and upper leave bytes
-- outside ASCII alone.
print(pcall(string.format, "%d|%5.1f|%x|%o|%c", 1/0, 1/0, 255, 8, 65))
print(string.sub("hello", 1/0), string.sub("hello", 2^63), string.sub("hello", 2, 1e30), string.sub("hello", -1/0, -2))
print(pcall(select, 1/0, 1), pcall(select, 2^32 + 2, "a", "b"))
print(math.ldexp(1, 1/0), math.ldexp(1, 2^32 + 3))
local t = {1, 2, 3}
table.insert(t, 2^32 + 1, "x") print(t[1], #t)
print(table.remove({1, 2, 3}, 2^32 + 3))
print(table.concat({1, 2, 3}, ",", 2^32 + 1, 2^32 + 2))
print(unpack({1, 2, 3}, 2^32 + 2))
print(tonumber("z", 2^32 + 36))
print(string.char(2^32 + 65))
print(("aaa"):gsub("a", "b", 2^32 + 1))
print(pcall(math.random, 2^32 + 1))
print(select("#", math.random(1, 2^32 + 1)))
print(string.format("%d", -2^63), string.format("%d", 2^62))
print(("ÀÉaz"):lower(), ("àéAZ"):upper(), ("ß"):upper(), string.upper(12), #("a\0B"):lower(), ("a\0B"):lower():byte(3))
