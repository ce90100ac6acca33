for k in nil do end
