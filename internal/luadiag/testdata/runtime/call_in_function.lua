local function f()
  return nope()
end
f()
