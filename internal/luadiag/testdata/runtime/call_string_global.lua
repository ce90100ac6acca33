name = "x"
name()
