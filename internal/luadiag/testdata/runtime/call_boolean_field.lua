local t = {run = false}
t.run()
