function (a) end
