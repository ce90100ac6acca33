local m = {}
m:stop()
