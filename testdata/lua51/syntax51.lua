-- What gopher-lua's parser takes and C Lua 5.1's refuses: a call's
-- arguments on the next line, decimal escapes above 255, nested [[ ]],
-- empty statements. And what both take.
local cases = {
  "f\n(g)", "local a = f\n(g or h)()", "x = 1\nlocal y = x\n(print)(y)",
  'x = "ab\\400c"', "x = 'a\\256'", 'x = "\\255\\0\\1"', "x = [[ a [[ b ]]", "--[[ a [[ b ]]\nx = 1",
  "x = [==[ a [[ b ]==]", "--[==[ a [[ b ]==]", "do ; end", "x = 1;;", "local x = 1; ; y = 2",
  "if x then ; end", "function f() ; end", "return;", "x = 1 ; return ;", "local t = {}\n(t).x = 1",
  "print(1);print(2);", "local s = 'a;b'", "f(\n1)", "x = f\n'literal'", "x = f\n{1}",
  "local x = (\n1)", "x = 1\n;(f)()",
}
for _, src in ipairs(cases) do
  local f, err = loadstring(src)
  print(f and "ok" or err)
end
local function f(...) return select("#", ...) end
