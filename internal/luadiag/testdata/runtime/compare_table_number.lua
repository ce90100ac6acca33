print({} <= 1)
