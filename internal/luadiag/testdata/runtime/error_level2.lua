local function check(x)
  if not x then error('x is required', 2) end
end
check(nil)
