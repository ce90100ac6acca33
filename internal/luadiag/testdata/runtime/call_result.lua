local function f() end
f()()
