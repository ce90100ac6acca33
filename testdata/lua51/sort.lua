-- table.sort: C Lua 5.1's quicksort, its order for consistent comparators
-- (ties and all), its errors for inconsistent ones and for values it
-- cannot compare, and errors raised by the comparator.
local function show(t, n)
  local out = {}
  for i = 1, n or #t do out[i] = tostring(t[i]) end
  return table.concat(out, " ")
end

local t = { 5, 3, 8, 1, 9, 2, 7, 4, 6, 0 }
table.sort(t)
print(show(t))
table.sort(t, function(a, b) return a > b end)
print(show(t))
local words = { "pear", "apple", "fig", "banana", "kiwi", "cherry" }
table.sort(words)
print(show(words))
table.sort(words, function(a, b) return #a < #b end)
print(show(words))

-- Ties: the order of equal keys is the quicksort's.
local recs = {}
for i = 1, 40 do recs[i] = { k = (i * 7) % 5, id = i } end
table.sort(recs, function(a, b) return a.k < b.k end)
local ids = {}
for i, r in ipairs(recs) do ids[i] = r.k .. ":" .. r.id end
print(table.concat(ids, " "))

-- Many elements, with a comparator that counts its calls.
local big, calls = {}, 0
local seed = 12345
for i = 1, 1000 do
  seed = (seed * 1103515245 + 12345) % 2147483648
  big[i] = seed % 1000
end
table.sort(big, function(a, b) calls = calls + 1 return a < b end)
print(big[1], big[500], big[1000], calls)

-- Inconsistent comparators.
print(pcall(table.sort, { 3, 1, 2 }, function(a, b) return true end))
print(pcall(table.sort, { 5, 4, 3, 2, 1, 0, 9, 8, 7, 6 }, function(a, b) return true end))
local r = {}
for i = 1, 100 do r[i] = i % 7 end
print(pcall(table.sort, r, function(a, b) return a <= b end))
print(pcall(function() table.sort(r, function(a, b) return true end) end))
local ok = pcall(table.sort, { 1, 2, 3, 4, 5, 6, 7, 8 }, function(a, b) return a <= b end)
print(ok)
local seen = {}
local ok2, err2 = pcall(table.sort, { 4, 4, 4, 4, 4 }, function(a, b)
  seen[#seen + 1] = tostring(a) .. "," .. tostring(b)
  return true
end)
print(ok2, err2, table.concat(seen, " "))
local ok3, err3 = pcall(table.sort, { 3, 2, 1 }, function(a, b) return false end)
print(ok3, err3)

-- Values it cannot compare, and errors in the comparator.
print(pcall(table.sort, { 1, "x", 2 }))
print(pcall(table.sort, { {}, {} }))
print(pcall(function() table.sort({ 3, nil, 1 }) end))
print(pcall(table.sort, { 3, 2, 1 }, function(a, b) error("cmp failed") end))
local okT, errT = pcall(table.sort, { 3, 2, 1 }, function(a, b) error({ code = 7 }) end)
print(okT, type(errT), errT.code)
print(pcall(table.sort, { 3, 2, 1 }, function(a, b) return a.x < b end))

-- Arguments, sizes, metamethods.
print(pcall(table.sort))
print(pcall(table.sort, {}, 42))
print(pcall(table.sort, "x"))
local e = {}
table.sort(e)
table.sort({ 1 })
local two = { 2, 1 }
table.sort(two)
print(show(two))
local mt = { __lt = function(a, b) return a.v < b.v end }
local objs = {}
for i, v in ipairs({ 3, 1, 2 }) do objs[i] = setmetatable({ v = v }, mt) end
table.sort(objs)
print(objs[1].v, objs[2].v, objs[3].v)
local len = setmetatable({ 3, 2, 1 }, { __len = function() return 2 end, __index = function() return 0 end })
table.sort(len)
print(len[1], len[2], len[3])
