-- fly.leases.with: hold a machine lease while a function runs.
--
-- Written over Go primitives that bind() receives. Outside tasks the whole
-- of it is hold(id, opts, fn), in Go: it runs fn under a native protected
-- call and always releases the lease, also when the script is interrupted
-- (once the state's context is done gopher-lua raises at the next Lua
-- instruction, so Lua code placed after a pcall never runs). Inside tasks fn
-- may yield, which a native protected call cannot pass on, so the steps are
-- taken here: begin(id, opts) -> lease, handle acquires the lease, makes
-- mutations of that machine carry its nonce and starts refreshing it;
-- finish(handle, ok) releases it (a failed release is only reported when fn
-- itself failed). A task that is interrupted never reaches finish: its lease
-- is released from Go when the task's context ends (bindings/leases_with.go).
local M = {}

local function pack(...)
  return { n = select("#", ...), ... }
end

local function check(cond, n, want, got)
  if not cond then
    -- level 3: the caller of with
    error(string.format("bad argument #%d to 'fly.leases.with' (%s expected, got %s)", n, want, type(got)), 3)
  end
end

-- bind installs `with` into the leases namespace table ns.
function M.bind(ns, in_task, hold, begin, finish)
  ns.with = function(id, opts, fn)
    if fn == nil and type(opts) == "function" then
      fn = opts
      opts = nil
    end
    check(type(id) == "string" or type(id) == "table", 1, "string", id)
    check(opts == nil or type(opts) == "table", 2, "table", opts)
    check(type(fn) == "function", 3, "function", fn)
    if not in_task() then
      return hold(id, opts, fn)
    end
    local lease, handle = begin(id, opts)
    local res = pack(pcall(fn, lease))
    finish(handle, res[1])
    if not res[1] then
      error(res[2], 0)
    end
    return unpack(res, 2, res.n)
  end
end

return M
