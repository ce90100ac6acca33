-- The Lua half of cooperative concurrency: fly.parallel, a pcall that works
-- inside tasks, and the wrapper that raises, inside the calling task, the
-- error of a fly call that yielded while Go did the request.
--
-- A fly function called inside a task yields its coroutine; the scheduler
-- (Go, bindings/tasks.go) resumes it with the results, or with (fail, err)
-- when the call failed: Go cannot raise into a suspended coroutine, so the
-- wrapper around every fly function does.
local M = {}

local function pack(...)
  return { n = select("#", ...), ... }
end

-- wrapper(fail) returns wrap(raw): raw with the (fail, err) answer raised.
function M.wrapper(fail)
  local function check(...)
    if (...) == fail then
      error((select(2, ...)), 0)
    end
    return ...
  end
  return function(raw)
    return function(...)
      return check(raw(...))
    end
  end
end

-- entry(arm, fn, ...) is how every task starts: arm() has the task's
-- coroutine describe an error it raises, and keep its traceback, while the
-- stack is still there (bindings/taskerrors.go); fn(...) then runs as a tail
-- call, so that entry leaves no frame of its own.
function M.entry(arm, fn, ...)
  arm()
  return fn(...)
end

-- protect(in_task, raw_pcall, raw_xpcall) returns pcall and xpcall that let
-- a fly call inside them yield the task: gopher-lua cannot yield across its
-- native pcall, so inside a task the protected function runs in a coroutine
-- of its own and its yields are passed up to the scheduler.
function M.protect(in_task, raw_pcall, raw_xpcall)
  local create, resume, status, yield = coroutine.create, coroutine.resume, coroutine.status, coroutine.yield

  local function run(f, ...)
    local co = create(function(...)
      return f(...)
    end)
    local res = pack(resume(co, ...))
    while true do
      if not res[1] then
        return false, res[2]
      end
      if status(co) == "dead" then
        return true, unpack(res, 2, res.n)
      end
      res = pack(resume(co, yield(unpack(res, 2, res.n))))
    end
  end

  local function pcall(f, ...)
    if not in_task() then
      return raw_pcall(f, ...)
    end
    return run(f, ...)
  end

  local function xpcall(f, handler)
    if not in_task() then
      return raw_xpcall(f, handler)
    end
    local res = pack(run(f))
    if not res[1] then
      return false, handler(res[2])
    end
    return unpack(res, 1, res.n)
  end

  return pcall, xpcall
end

local function arg_error(n, want, got)
  -- level 3: the caller of fly.parallel
  error(string.format("bad argument #%d to 'fly.parallel' (%s expected, got %s)", n, want, type(got)), 3)
end

-- parallel(prim) returns fly.parallel written over the Go primitives:
-- spawn(fn, item, i), wait_any(list) -> position of a finished task,
-- outcome(task) -> ok, value, progress(label, total) -> bar or nil,
-- failure(errors, count, total) -> the error value to raise, in_task() and
-- guard(f, ...), which runs f(...) under a native protected call and, when
-- the script is interrupted, waits for the leases of the abandoned tasks to
-- be released before re-raising (outside tasks only: it cannot pass yields on).
function M.parallel(prim)
  local run
  local function parallel(items, fn, opts)
    if type(items) ~= "table" then arg_error(1, "table", items) end
    local n = #items
    for k in pairs(items) do
      if type(k) ~= "number" or k < 1 or k > n or k % 1 ~= 0 then
        -- a map would run nothing and return {}: say so (level 2: the caller)
        error(string.format("bad argument #1 to 'fly.parallel' (list expected, got a table with key %s)",
          type(k) == "string" and string.format("%q", k) or tostring(k)), 2)
      end
    end
    if type(fn) ~= "function" then arg_error(2, "function", fn) end
    if opts ~= nil and type(opts) ~= "table" then arg_error(3, "table", opts) end
    opts = opts or {}
    prim.check_opts(opts)
    if prim.in_task() then
      return run(items, fn, opts)
    end
    return prim.guard(run, items, fn, opts)
  end

  run = function(items, fn, opts)
    local limit = opts.concurrency or 8
    local n = #items
    local results, errors, failed = {}, {}, 0
    local active, next_i, finished = {}, 1, 0
    local bar = prim.progress(opts.progress, n)
    while finished < n do
      while #active < limit and next_i <= n do
        local i = next_i
        next_i = i + 1
        active[#active + 1] = { task = prim.spawn(fn, items[i], i), index = i }
      end
      local k = prim.wait_any(active)
      local entry = table.remove(active, k)
      finished = finished + 1
      local ok, value = prim.outcome(entry.task)
      if ok then
        results[entry.index] = value
      else
        errors[entry.index] = value
        failed = failed + 1
      end
      if bar then bar.add(1) end
    end
    if bar then bar.finish() end
    if opts.collect then
      return results, errors
    end
    if failed > 0 then
      error(prim.failure(errors, failed, n), 0)
    end
    return results
  end

  return parallel
end

return M
