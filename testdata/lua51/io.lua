-- io.write, io.read from stdin (io.in), io.type.
io.write("a", 1, " ", 2.5, " ", 1e15, " ", 0.1 + 0.2, "\n")
print(io.write("chained "), io.write("write\n"))
print(io.type(io.stdout), io.type(io.stderr), io.type(io.stdin), io.type(42), io.type({}))
print(io.read())
print(io.read("*n"), io.read("*n"), io.read("*n"))
print(io.read("*l"))
print(io.read(4), io.read(0))
print(io.read("*l"))
local n = 0
for line in io.lines() do n = n + 1 io.write("[", line, "]\n") end
print(n)
print(io.read(), io.read(0), io.read("*a") == "", io.read("*n"))
print(pcall(io.read, "*x"))
print(io.stdout:write("method\n") == io.stdout)
print(pcall(io.write, {}))
