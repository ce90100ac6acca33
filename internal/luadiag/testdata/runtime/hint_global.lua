pirnt("x")
