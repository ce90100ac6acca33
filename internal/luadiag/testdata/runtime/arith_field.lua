local c = {}
print(c.count + 1)
