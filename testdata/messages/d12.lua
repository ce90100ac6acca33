local function need(v, what)
  if v == nil then error(what .. " is required", 2) end
  return v
end
local function deploy(opts)
  need(opts.app, "app")
end
deploy({})
