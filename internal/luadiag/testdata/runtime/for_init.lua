for i = "a", 2 do end
