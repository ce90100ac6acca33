local t = require("assert")
local lib = require("lib")

test("passes", function()
  t.equal(1, 1)
end)

test("assertion fails", function()
  t.equal(1 + 1, 3, "arithmetic")
end)

test("raises in the user's code", function()
  lib.broken()
end)

test("prints then fails", function()
  print("hello from the test")
  error("plain error")
end)
