--[[ comment
x = 1
