local g = 1
f
(g)
