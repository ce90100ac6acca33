local a = 1
local b
print(a < b)
