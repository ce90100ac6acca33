local items = { {name = "a"}, {name = "b"}, {name = "c"} }

local function check(item, i)
  if i == 2 then
    local cfg = item.config
    return cfg.metadata.role
  end
  return item.name
end

local r = fly.parallel(items, check)
print(r)
