local m
m:stop()
