local t = {ok = true}
print(t.ok.x)
