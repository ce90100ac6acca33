-- Lua 5.1 functions beside the main libraries, and their errors.
print(type(gcinfo()), type(collectgarbage("count")), collectgarbage(), collectgarbage("collect"))
print(type(collectgarbage("step")), collectgarbage("setpause", 150), collectgarbage("setpause", 200))
print(collectgarbage("setstepmul", 300), collectgarbage("setstepmul", 200))
print(pcall(collectgarbage, "bogus"))
table.foreach({10, 20}, function(k, v) io.write(k, "=", v, " ") end)
print()
print(table.foreach({a = 1}, function(k, v) return k .. v end))
table.foreachi({"x", "y", "z"}, function(i, v) io.write(i, v, " ") end)
print()
print(table.foreachi({"x", "y"}, function(i, v) if i == 2 then return v end end))
print(pcall(table.setn, {}, 1))
print(table.getn({1, 2, 3}), math.mod(7, 3), string.gfind ~= nil)
print(pcall(string.dump, print))
print(pcall(setfenv, print, {}))
local function f() return x end
setfenv(f, {x = "from env"})
print(f(), getfenv(f).x, getfenv(0) == _G, getfenv(print) == _G)
print(select("#", unpack({}, 1, 3)), type(newproxy), type(module), type(package.loaders))
print(type(os.setlocale), type(io.popen), type(loadstring), type(string.gmatch))
print(pcall(string.rep), pcall(("x").rep, "x"))
print(pcall(("x").bad))
print(os.setlocale(), os.setlocale("C"), os.setlocale("xx_YY"), os.setlocale(nil, "all"))
print(pcall(function() assert(1 == 2, 42) end))
print(pcall(function() assert(nil, "m") end))
print(pcall(assert, false, "direct"))
print(pcall(function() assert() end))
print(assert(1, 2, 3))
print(pcall(function() assert(false, {}) end))
print(pcall(function() assert(false, nil) end))
-- print calls the global tostring.
local oldtostring = tostring
tostring = function(v) return "<" .. oldtostring(v) .. ">" end
print(1, "a", nil)
tostring = function() return 42 end
print(pcall(print, 1))
tostring = oldtostring
print(setmetatable({}, {__tostring = function() return 7 end}))
print(pcall(print, setmetatable({}, {__tostring = function() return {} end})))
-- math.mod is fmod in Lua 5.1; package.config is luaconf.h's.
print(math.mod(7, 3), math.mod(-7, 3), math.mod(7, -3), math.mod(5.5, 2))
print(("%q"):format(package.config))
