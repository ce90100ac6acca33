-- The calls the tests of stdlib/luapattern compare with C Lua 5.1: call
-- (fn, ...) calls string[fn](...) in protected mode and emits one line with
-- the arguments and the results (for gmatch, every tuple the iterator
-- gives, at most 50) or the error. compare.lua and the fuzz test's
-- scripts start with this file; `lua5.1` runs them for the recordings,
-- the tests run them with luapattern installed in gopher-lua.
emit = emit or function(line) io.write(line, "\n") end

-- F and T are gsub's function and table replacements.
F = function(...)
  local first = ...
  if first == "b" then return nil end
  if first == "c" then return false end
  if first == "d" then return 42 end
  if first == "e" then return {} end
  local parts = {}
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    parts[#parts + 1] = type(v) .. ":" .. tostring(v)
  end
  return "<" .. table.concat(parts, ",") .. ">"
end
T = { a = "A", b = false, c = 15, d = {}, x = true, hello = "HI", ["1"] = "one",
      [1] = "pos1", [2] = "pos2", [4] = "pos4", ["%"] = "pct" }

local function escape(s)
  local out = {}
  for i = 1, #s do
    local b = string.byte(s, i)
    if b < 32 or b > 126 or b == 92 then
      out[#out + 1] = "\\" .. b
    else
      out[#out + 1] = string.char(b)
    end
  end
  return table.concat(out)
end

local function show(v)
  if v == F then return "F" end
  if v == T then return "T" end
  if type(v) == "string" then return '"' .. escape(v) .. '"' end
  if type(v) == "number" or type(v) == "boolean" or v == nil then return tostring(v) end
  return type(v)
end

local function list(n, ...)
  local out = {}
  for i = 1, n do
    out[i] = show((select(i, ...)))
  end
  return table.concat(out, ", ")
end

local function results(ok, ...)
  if not ok then return "error: " .. escape(tostring((...))) end
  return list(select("#", ...), ...)
end

-- header emits a line that names the subject and the pattern of the calls
-- that follow; brief then leaves them out of each call's line.
function header(s, p)
  brief = true
  emit("-- " .. show(s) .. " " .. show(p))
end

function call(fn, ...)
  local line
  if brief then
    line = fn .. "(" .. list(select("#", ...) - 2, select(3, ...)) .. ") = "
  else
    line = fn .. "(" .. list(select("#", ...), ...) .. ") = "
  end
  if fn ~= "gmatch" then
    emit(line .. results(pcall(string[fn], ...)))
    return
  end
  local ok, it = pcall(string.gmatch, ...)
  if not ok then
    emit(line .. "error: " .. escape(tostring(it)))
    return
  end
  local tuples = {}
  for _ = 1, 50 do
    local r = { pcall(it) }
    if r[1] and r[2] == nil then break end
    tuples[#tuples + 1] = "(" .. results(unpack(r, 1, table.maxn(r))) .. ")"
    if not r[1] then break end
  end
  emit(line .. table.concat(tuples, " "))
end
