local s = "abc"
print(s:uper())
