local t = {}
local s = 'a' .. t.name .. 'b'
