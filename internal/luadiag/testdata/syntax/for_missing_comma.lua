for i = 1 10 do end
