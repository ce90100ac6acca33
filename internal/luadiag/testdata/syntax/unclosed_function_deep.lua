local function f()
  if x then
    return 1
  end
