-- Numbers given as strings holding them, where library functions take numbers
-- (luaL_checkinteger and friends convert them), and the edges of select,
-- string.sub and string.rep.
local cases = {
  {"string.sub", function() return string.sub("hello", "2", "3") end},
  {"string.rep", function() return string.rep("x", "3") end},
  {"string.byte", function() return string.byte("abc", "2", "3") end},
  {"string.char", function() return string.char("65", "66") end},
  {"string.find init", function() return string.find("abcb", "b", "3") end},
  {"string.match init", function() return string.match("abcb", "b", "3") end},
  {"string.gsub n", function() return string.gsub("aaa", "a", "b", "2") end},
  {"string.format %d", function() return string.format("%d %x %5.2f %s", "3", "255", "1.5", 4) end},
  {"table.concat", function() return table.concat({1, 2, 3}, ",", "2", "3") end},
  {"table.insert", function() local t = {1, 2} table.insert(t, "1", 0) return t[1], t[2], t[3] end},
  {"table.remove", function() local t = {1, 2} return table.remove(t, "1"), #t end},
  {"table.maxn", function() return table.maxn({1, 2}) end},
  {"unpack", function() return unpack({1, 2, 3}, "2", "3") end},
  {"select", function() return select("2", "a", "b", "c") end},
  {"select neg", function() return select("-1", "a", "b", "c") end},
  {"math.floor", function() return math.floor("3.7"), math.ceil("3.2"), math.abs("-2") end},
  {"math.max", function() return math.max("3", "10"), math.min("3", "10") end},
  {"math.fmod", function() return math.fmod("7", "3"), math.pow("2", "3"), math.sqrt("16") end},
  {"math.random", function() math.randomseed("5") local r = math.random("1", "1") return r end},
  {"math.ldexp", function() return math.ldexp("1", "4"), math.frexp("8") end},
  {"math.modf", function() return math.modf("3.5") end},
  {"math.log", function() return math.log10("100"), math.exp("0"), math.deg("0") end},
  {"tostring num", function() return tonumber("10", "16") end},
  {"os.date", function() return os.date("!%Y", "86400") end},
  {"os.time", function() return os.time({year = "2000", month = "1", day = "1", hour = "0"}) ~= nil end},
  {"string.len", function() return string.len(123) end},
  {"coroutine", function() return select("#", coroutine.resume(coroutine.create(function(...) return ... end), "1")) end},
  {"error level", function() return pcall(error, "m", "1") end},
  {"setfenv", function() return pcall(setfenv, "1", {}) end},
  {"getfenv", function() return type(getfenv("1")) end},
  {"collectgarbage", function() return type(collectgarbage("count")) end},
  {"string.rep neg", function() return string.rep("x", "-1") end},
  {"xpcall", function() return select("#", xpcall(function() return 1 end, print)) end},
  {"loadstring", function() return type(loadstring("return 1", 5)) end},
}
for _, c in ipairs(cases) do
  local r = {pcall(c[2])}
  local out = {}
  for i = 1, table.maxn(r) do out[#out + 1] = tostring(r[i]) end
  print(c[1], table.concat(out, " "))
end
for _, args in ipairs({ { 0 }, { -3 }, { "#abc" }, { "x" }, { 2^53 }, { -1 }, { 4 }, { 1.9 } }) do
  print(pcall(select, args[1], "a", "b", "c"))
end
print(pcall(select))
for _, ij in ipairs({ { 2 }, { -3, -2 }, { 0 }, { 10 }, { -100, 100 }, { 3, -100 }, { 2.9, 3.9 }, { "2", "-2" } }) do
  io.write(string.sub("hello", ij[1], ij[2]), "|")
end
print(string.sub(12345, 2, 3), pcall(string.sub, "x"))
print(("x"):rep(3, 4), string.rep(12, 2), string.rep("ab", 0), string.rep("", 5), pcall(string.rep, "x"))
print(math.ldexp(1, 2.9), math.ldexp(1, 1e10), tonumber("z", 36.5), pcall(tonumber, "10", "x"))
