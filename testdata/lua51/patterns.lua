-- Patterns (stdlib/luapattern, compared in bulk with C Lua 5.1 by its own
-- tests): here through the whole Lua 5.1 layer, with the positions and
-- function names of errors.
print(("THE (quick) fox"):find("%f[%a]%a+"))
print(("THE (quick) fox"):gsub("%f[%w]%w+", function(w) return w:lower() end))
print(("hello world"):match("%f[%w](%w+)%f[%W]$"))

-- gmatch reads a leading ^ as the character.
for w in ("hello ^world ^x"):gmatch("^%a+") do print(w) end
print(select("#", string.gmatch("a", "a")))
print(("hello"):gsub("^h", "H"))

-- Malformed patterns: errors when the match reaches them, located at the
-- caller when Lua code called the function.
print(pcall(string.match, "abc", "%"))
print(pcall(function() return ("abc"):match("%") end))
print(pcall(function() return ("abc"):find("[a") end))
print(pcall(function() return ("abc"):find("(a") end))
print(pcall(function() return ("abc"):match("a)") end))
print(pcall(function() return ("abc"):find("%1") end))
print(pcall(function() return ("abc"):find("%fa") end))
print(pcall(function() return ("abc"):find("%b") end))
print(pcall(function() return ("abc"):gsub("a", "%2") end))
print(pcall(function() for w in ("abc"):gmatch("%") do end end))
print(pcall(function() return ("abc"):gsub(".", {a = true}) end))
print(pcall(function() return ("abc"):gsub(".", function() return {} end) end))
print(pcall(string.find, ("a"):rep(40), ("(a)"):rep(33)))
print(("abc"):find("x%"))
print(("ab)"):find("b)"))
print(("abc"):gsub("(", "x"))

-- Arguments.
print(pcall(string.find))
print(pcall(string.gsub, "abc", "b"))
print(pcall(string.gsub, "abc", "b", true))
print(pcall(function() return ("abc"):gsub("b", true) end))
print(pcall(string.gmatch, "abc"))
print(pcall(string.find, "abc", "b", "x"))
print(pcall(function() return ("abc"):find({}) end))
print(("abc"):find("b", 10), ("abc"):find("", 10), ("abc"):find("", -10))
print(("abc"):match("()", 10), ("abc"):match("()", -1))
print(("a.b"):find(".", 1, true), ("a.b"):find("."))
print(string.find(12345, 3), string.gsub(12345, 3, 0.5))
print(("abc"):gsub("b", 1e15), ("abc"):gsub("b", function() return 0.1 + 0.2 end))
print(("abc"):gsub("%w", "%0%0", 2), ("abc"):gsub("%w", "x", -1), ("abc"):gsub("", "-", 2.9))
print(("a\0b"):find("\0"), ("a\0b"):find("%z"), ("a\0b"):find("b\0c"))
print(("hello world"):gsub("o", "%%%1%x"))
