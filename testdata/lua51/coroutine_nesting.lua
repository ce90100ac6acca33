-- How deeply coroutines may resume one another: C Lua 5.1 stops at about
-- 200 levels with "C stack overflow" (its C stack), and so does flyscript.
local depth = 0
local function wrapped(n)
  depth = depth + 1
  if n == 0 then return "bottom" end
  return coroutine.wrap(function() return wrapped(n - 1) end)()
end
local ok, err = pcall(wrapped, 1000)
print(ok, (string.gsub(err, "^.*: ", "")), depth)

depth = 0
local function resumed(n)
  depth = depth + 1
  if n == 0 then return "bottom" end
  local co = coroutine.create(function() return resumed(n - 1) end)
  return select(2, coroutine.resume(co))
end
print(pcall(resumed, 1000))
print(depth)

depth = 0
print(pcall(wrapped, 150))
