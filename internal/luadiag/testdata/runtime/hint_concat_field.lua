local t = {name = "x", size = 1}
print(t.nmae .. "!")
