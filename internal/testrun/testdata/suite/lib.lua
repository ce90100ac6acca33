local M = {}

function M.broken()
  local cfg = nil
  return cfg.image
end

return M
