-- registers no test
local x = 1
