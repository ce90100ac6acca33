local t = {}
local k = 'x'
t[k]()
