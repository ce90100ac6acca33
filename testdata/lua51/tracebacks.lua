-- debug.traceback: chunks from loadstring are "main chunk", a coroutine's
-- stack ends with its body, tail calls, a suspended coroutine's yield.
-- flyscript calls Go functions [G] where C Lua says [C] (docs/lua-compat.md):
-- show writes them as C Lua does.
local function show(s) print((s:gsub("%[G%]", "[C]"))) end
show(debug.traceback(loadstring("return debug.traceback('x')")()))
local f = loadstring("return debug.traceback('y')")
show(f())
local t = { g = loadstring("return debug.traceback('z')") }
show(t.g())
show(select(2, xpcall(loadstring("error('e')"), debug.traceback)))
show(select(2, coroutine.resume(coroutine.create(loadstring("coroutine.yield(debug.traceback('co'))")))))
show(coroutine.wrap(function() return debug.traceback("w") end)())
local co = coroutine.create(function() local function inner() coroutine.yield(debug.traceback("i")) end inner() end)
show(select(2, coroutine.resume(co)))
local g = loadstring("local function g() return debug.traceback('g') end return g()")
show(g())
show(loadstring("return (debug.traceback('h'))")())
show(debug.traceback(co, "other"))
