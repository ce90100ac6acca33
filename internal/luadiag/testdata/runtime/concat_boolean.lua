local ok = true
print('a' .. ok)
