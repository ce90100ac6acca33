-- fly.leases.with: hold a machine lease while a function runs.
--
-- Written over two Go primitives that bind() receives: begin(id, opts)
-- acquires the lease, makes mutations of that machine carry its nonce and
-- starts refreshing it; finish(id, nonce, ok) stops the refresh and releases
-- the lease (a failed release is only reported when fn itself failed).
local M = {}

local function pack(...)
  return { n = select("#", ...), ... }
end

local function check(cond, n, want, got)
  if not cond then
    -- level 4: the caller of with (gopher-lua counts one more than Lua 5.1)
    error(string.format("bad argument #%d to 'fly.leases.with' (%s expected, got %s)", n, want, type(got)), 4)
  end
end

-- bind installs `with` into the leases namespace table ns.
function M.bind(ns, begin, finish)
  ns.with = function(id, opts, fn)
    if fn == nil and type(opts) == "function" then
      fn = opts
      opts = nil
    end
    check(type(id) == "string", 1, "string", id)
    check(opts == nil or type(opts) == "table", 2, "table", opts)
    check(type(fn) == "function", 3, "function", fn)
    local lease = begin(id, opts)
    local res = pack(pcall(fn, lease))
    finish(id, lease.nonce, res[1])
    if not res[1] then
      error(res[2], 0)
    end
    return unpack(res, 2, res.n)
  end
end

return M
