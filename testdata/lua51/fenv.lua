-- getfenv and setfenv: levels (0 the function itself, past the stack an
-- error), Go functions, the thread's environment.
local function p(...) local t = {} for i = 1, select("#", ...) do local v = select(i, ...) t[i] = type(v) == "table" and (v == _G and "G" or "tbl") or type(v) == "function" and "fn" or tostring(v) end print(table.concat(t, " | ")) end
p(pcall(getfenv, 10)) p(pcall(setfenv, 10, {}))
p(pcall(getfenv, -1)) p(pcall(setfenv, -1, {}))
p(getfenv(0), getfenv(1), getfenv(), getfenv(print))
local function f() return getfenv(2), getfenv(3), pcall(getfenv, 4) end
p(f())
p(pcall(getfenv, "x"), pcall(getfenv, "1"))
p(pcall(setfenv, 1, 2))
p(pcall(setfenv, print, {}))
p(pcall(setfenv))
local getfenv, setfenv, print = getfenv, setfenv, print
local function g() local e = {} setfenv(1, e) return getfenv(1) == e, x end
p(g())
local function h() return y end
local env = {y = "from env"}
p(setfenv(h, env) == h, h(), getfenv(h) == env)
p(pcall(function() return getfenv(2) end))
p(pcall(function() return getfenv(3) end))
local co = coroutine.create(function() return pcall(getfenv, 2), pcall(getfenv, 3) end)
p(coroutine.resume(co))
local saved = getfenv(0)
setfenv(0, {marker = true})
local chunk = loadstring("return marker")
setfenv(0, saved)
p(chunk())
