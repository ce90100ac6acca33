local t = {}
t.run()
