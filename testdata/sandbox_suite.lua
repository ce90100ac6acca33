-- sandbox_suite.lua: what WithSandbox leaves out, and what it keeps. Run by
-- TestLuaSuites under WithSandbox.
local t = require("assert")

local function refused(fn, what)
  t.error(fn, what .. " is not available in the sandbox", what)
end

refused(function() return io.open("/etc/passwd") end, "io.open")
refused(function() return io.lines("/etc/passwd") end, "io.lines")
refused(function() return io.popen("id") end, "io.popen")
refused(function() return os.execute("id") end, "os.execute")
refused(function() return os.remove("/tmp/x") end, "os.remove")
refused(function() return os.rename("/tmp/x", "/tmp/y") end, "os.rename")
refused(function() return os.tmpname() end, "os.tmpname")
refused(function() return loadfile("/etc/passwd") end, "loadfile")
refused(function() return dofile("/etc/passwd") end, "dofile")
refused(function() return string.dump(print) end, "string.dump")
refused(function() return debug.getinfo(1) end, "debug.getinfo")
refused(function() return package.loadlib("x.so", "f") end, "package.loadlib")

-- require: preloaded modules only
local ok, err = pcall(require, "etc.passwd")
t.equal(ok, false)
t.match(err, "loading modules from files is not available in the sandbox")
t.equal(require("json"), json)
t.equal(type(require("assert").equal), "function")

-- bytecode is refused
local fn, msg = loadstring("\27Lua\81\0")
t.equal(fn, nil)
t.match(msg, "binary chunk")

-- the language and the safe libraries stay
t.equal(string.format("%03d", 7), "007")
t.equal(table.concat({ 1, 2, 3 }, "-"), "1-2-3")
t.equal(math.floor(2.5), 2)
t.equal(type(os.time()), "number")
t.equal(os.getenv("HOME"), nil)
t.equal(coroutine.wrap(function() coroutine.yield("y") end)(), "y")
print("sandbox suite ok")
