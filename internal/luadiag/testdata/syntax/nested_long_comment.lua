--[[ old
[[ code ]]
x = 1
