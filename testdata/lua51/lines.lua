-- The line an error names in an expression spread over lines: C Lua gives
-- an instruction the line of the last token read when it is emitted (the
-- end of an operator's right operand, of an indexing's key).
local cases = {
  "local t = {a = {}}\nlocal r = t.a\n  .b\n  .c",
  "print(\n  1 +\n  nil)",
  "local x = nil\nlocal y = 1 +\n  x",
  "local t = setmetatable({}, {__index =\nfunction() error('idx', 2) end})\nlocal v = t\n  .field",
  "local s = 'x'\n  .. {}",
  "local s = 'a' ..\n  'b' ..\n  nil",
  "local a = {} local b = a <\n  1",
  "local t = nil\nlocal n = #\n  t",
  "local v = -\n  {}",
  "local t = {}\nlocal x = t[\n  'k'\n  ].z",
  "local t = {x = {}}\nt.x\n .y.z = 1",
  "local x = ({}\n ).a.b",
  "local f = function() end\nlocal x = f(\n  1) + nil",
  "local x = nil\nlocal y = x\n  and x.a\n  or x.b",
  "local x = nil\nlocal y = x.a\n  + 1",
  "local t = {}\nt.a.b\n  = 1",
}
for _, src in ipairs(cases) do
  print(pcall(loadstring(src)))
end
