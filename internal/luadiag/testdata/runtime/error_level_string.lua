local function f()
  error("needs a name", "2")
end
f()
