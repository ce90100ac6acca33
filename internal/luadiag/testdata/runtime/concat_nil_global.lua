print(missing .. 'x')
