print('a' 'b')
