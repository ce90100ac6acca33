-- Coroutines: status, wrap, values through resume and yield, errors.
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  print("got", d, e)
  return "done", d + e
end)
print(coroutine.status(co), type(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co))
print(coroutine.resume(co))
print(coroutine.resume(co, "again"))

-- Status of the running coroutine and of a normal (resuming) one.
local outer
outer = coroutine.create(function()
  local inner = coroutine.create(function()
    print("inner sees outer", coroutine.status(outer))
    print("inner running is inner", coroutine.running() ~= outer)
  end)
  print("outer sees itself", coroutine.status(outer))
  coroutine.resume(inner)
  print("inner after", coroutine.status(inner))
end)
coroutine.resume(outer)
print(coroutine.running())

-- wrap: a generator.
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local acc = {}
for i in range(5) do acc[#acc + 1] = i end
print(table.concat(acc, ","))
local gen = coroutine.wrap(function(...) local x = {...} while true do x = {coroutine.yield(select("#", unpack(x)))} end end)
print(gen(1, 2, 3), gen(), gen(nil, nil))

-- Errors inside coroutines.
local bad = coroutine.create(function() local x = nil; coroutine.yield(1); error("inside") end)
print(coroutine.resume(bad))
print(coroutine.resume(bad))
print(coroutine.status(bad), coroutine.resume(bad))
local tbl = coroutine.create(function() error({code = 1}) end)
local ok, e = coroutine.resume(tbl)
print(ok, type(e), e.code)
local w = coroutine.wrap(function() error("wrapped", 0) end)
print(pcall(w))
local w2 = coroutine.wrap(function() return 1 end)
w2()
print(pcall(w2))
print(pcall(coroutine.resume, 42))
print(coroutine.resume(coroutine.create(function() return pcall(error, "in pcall") end)))

-- Yield across pcall inside a coroutine: an error in Lua 5.1.
local yp = coroutine.create(function()
  local ok, err = pcall(function() coroutine.yield("from pcall") end)
  return ok, err
end)
print(coroutine.resume(yp))
print(coroutine.status(yp))
-- Yield from the main chunk.
print(pcall(coroutine.yield, 1))

-- A coroutine that yields inside a loop with upvalues.
local total = 0
local producer = coroutine.create(function()
  for i = 1, 3 do total = total + i coroutine.yield(total) end
  return "finished"
end)
while true do
  local ok2, v = coroutine.resume(producer)
  io.write(tostring(ok2), " ", tostring(v), "; ")
  if coroutine.status(producer) == "dead" then break end
end
print()
-- Passing a coroutine's values through several levels.
local function nest(n)
  if n == 0 then return coroutine.yield("deep") end
  return nest(n - 1)
end
local nc = coroutine.create(nest)
print(coroutine.resume(nc, 50))
print(coroutine.resume(nc, "back"))
print(select("#", coroutine.resume(coroutine.create(function() end))))
print(coroutine.resume(coroutine.create(function(...) return select("#", ...) end), nil, nil))
-- A Go (C) function is no Lua function for create and wrap.
print(pcall(coroutine.create, print))
print(pcall(coroutine.wrap, string.rep))
