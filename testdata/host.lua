-- host.lua: what a VM gives scripts outside the sandbox. Run by
-- TestLuaSuites with WithEnv{"GREETING=hello"}, stdin "line one\nline two\n"
-- and the arguments "a" and "b c".
local t = require("assert")

-- arg and varargs, as in lua.c
t.equal(#arg, 2)
t.equal(arg[1], "a")
t.equal(arg[2], "b c")
t.equal(select("#", ...), 2)

-- the environment comes from the host's options, not the process
t.equal(os.getenv("GREETING"), "hello")
t.equal(os.getenv("PATH"), nil)
t.equal(env.get("GREETING"), "hello")

-- the standard streams are the host's
t.equal(io.read(), "line one")
t.equal(io.read("*l"), "line two")
t.equal(io.read(), nil)
t.equal(tostring(io.stdout), "file (stdout)")
t.equal(io.write("written "), io.stdout)
t.equal(select(2, io.stdout:close()), "cannot close standard file")

-- load refuses bytecode, accepts source
local fn, err = loadstring("\27Lua\81")
t.equal(fn, nil)
t.match(err, "binary chunk")
t.equal(loadstring("return 6 * 7")(), 42)

-- os.exit cannot be caught: see TestExitCodes; error values keep their type
local ok, e = pcall(error, { code = "x" })
t.equal(ok, false)
t.equal(e.code, "x")

-- the fly module and the host modules are there
t.equal(type(fly), "table")
t.equal(require("fly"), fly)
t.equal(type(json.encode), "function")
t.equal(type(inspect), "function")
print("host suite ok")
