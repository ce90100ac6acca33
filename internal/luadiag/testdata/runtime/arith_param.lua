local function area(w, h)
  return w * h
end
print(area(2))
