local x
print(-x)
