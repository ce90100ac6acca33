local 5 = 3
