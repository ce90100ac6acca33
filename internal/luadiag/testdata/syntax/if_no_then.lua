if x y end
