-- debug.getinfo: the fields the options ask for, short_src, Go functions
-- described as C ones, main chunks, names and namewhat, bad arguments.
-- (source is the chunk's name in flyscript: docs/lua-compat.md.)
local function show(t)
  if not t then print("nil") return end
  local k = {}
  for a, b in pairs(t) do
    if a ~= "source" and type(b) ~= "function" and type(b) ~= "table" then k[#k + 1] = a .. "=" .. tostring(b) end
  end
  table.sort(k)
  print(table.concat(k, " "), t.func ~= nil)
end
show(debug.getinfo(print))
show(debug.getinfo(1))
local function f() end
show(debug.getinfo(f))
show(debug.getinfo(1, "S"))
show(debug.getinfo(1, "l"))
show(debug.getinfo(1, "n"))
show(debug.getinfo(1, "f"))
show(debug.getinfo(loadstring("return 1")))
show(debug.getinfo(2))
show(debug.getinfo(3))
local function named() return debug.getinfo(1, "n") end
show(named())
local t = { m = function() return debug.getinfo(1, "n") end }
show(t.m())
function globalfn() return debug.getinfo(1, "nSl") end
show(globalfn())
show(t:m())
print(pcall(debug.getinfo, 1, "x"))
print(pcall(debug.getinfo, {}))
show(debug.getinfo("1", "l"))
show(loadstring("return debug.getinfo(1, 'Sl')")())
