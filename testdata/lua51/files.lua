-- Files: io.open, read formats, seek, lines, close, and the failures of
-- io.open, io.lines and os.remove (the temporary file's name is printed as TMP).
local name = os.tmpname()
local function show(...)
  local out = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    out[i] = type(v) == "string" and (v:gsub(name:gsub("%p", "%%%0"), "TMP")) or tostring(v)
  end
  print(table.concat(out, "\t"))
end
local f = assert(io.open(name, "w"))
show(io.type(f), f:write("line1\n", 2, "\n", 3.5, "\nlast"))
show(f:close(), io.type(f), pcall(f.write, f, "x"))
f = assert(io.open(name, "r"))
show(f:read("*l"), f:read("*n"), f:read("*n"), f:read("*l"), f:read("*a"), f:read("*a"), f:read("*l"), f:read(0))
show(f:seek("set", 2), f:read(3), f:seek("cur"), f:seek("end"))
f:close()
local n = 0
for _ in io.lines(name) do n = n + 1 end
show(n, pcall(io.lines, name .. ".missing"))
show(io.open(name .. ".missing"))
f = io.open(name, "a+") f:write("\nappended") f:close()
for l in io.lines(name) do io.write("[", l, "]") end print()
show(os.remove(name), os.remove(name))
show(io.open(name, "z"))
show(os.rename(name, name .. ".2"))
-- tostring of a file: its address, "file (closed)" once closed.
local tf = io.open("testdata/lua51/files.lua")
print((tostring(tf):gsub("0x%x+", "ADDR")))
tf:close()
print(tostring(tf))
