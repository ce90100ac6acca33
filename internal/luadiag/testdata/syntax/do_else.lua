do
  local x = 1
else
end
