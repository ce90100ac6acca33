local f
local function g() f() end
g()
