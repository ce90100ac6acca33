local a, b = 'x', nil
print(a .. '-' .. b .. '!')
