-- goto is a name in Lua 5.1, and labels and goto statements (Lua 5.2)
-- are syntax errors.
goto = 1
print(goto)
local t = { goto = 2, ["goto"] = 3 }
print(t.goto, t["goto"])
function t.goto(x) return "field " .. x end
print(t.goto(4))
function t:goto2(goto) return goto end
print(t:goto2(5))
local goto = function(...) return select("#", ...) end
print(goto(1, 2, 3))
for goto = 1, 2 do io.write(goto, " ") end
for goto, v in ipairs({ "a" }) do print(goto, v) end
local obj = { goto = function(self, n) return n * 2 end }
print(obj:goto(21))
print(pcall(function() local x = nil; x.goto() end))
print(pcall(function() return undefined.goto end))
-- a string or comment with goto: goto x ::y::
print("goto ::a::", [[goto]])
for _, src in ipairs({ "::top:: print(1)", "goto done", "for i = 1, 3 do\n  goto continue\nend",
  "x = 1\n::label::\n", "do goto = 3 end return goto", "return (function(goto) return goto + 1 end)(1)",
  "local g_o_ = 7 goto = g_o_ return goto", "goto x" }) do
  local f, err = loadstring(src)
  if f then print(pcall(f)) else print(err) end
end
print(goto == nil, _G.goto)
