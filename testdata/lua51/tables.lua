-- The table library and table constructors.
local t = {10, 20, 30}
print(table.concat(t), table.concat(t, ", "), table.concat(t, "-", 2), table.concat(t, "-", 2, 3), table.concat(t, "-", 3, 2) .. "|")
print(table.concat({1, 2.5, "x"}, " "), table.concat({}, "x") .. "|")
print(pcall(table.concat, {1, {}, 3}))
print(pcall(table.concat, {1, 2}, ",", 1, 3))
local big = {}
for i = 1, 3000 do big[i] = i % 10 end
print(#table.concat(big), #table.concat(big, ","))
table.insert(t, 40)
table.insert(t, 1, 5)
table.insert(t, 3, 15)
print(table.concat(t, " "), #t)
print(pcall(table.insert, t))
print(pcall(table.insert, t, 1, 2, 3))
print(pcall(table.insert, nil, 1))
print(table.remove(t), table.concat(t, " "))
print(table.remove(t, 1), table.concat(t, " "))
print(table.remove(t, 2), table.concat(t, " "))
print(table.remove({}), #t)
local e = {}
print(table.remove(e), #e)
-- sort, with and without a comparator.
local nums = {5, 2, 8, 1, 9, 3, 7, 4, 6, 0}
table.sort(nums)
print(table.concat(nums, " "))
table.sort(nums, function(a, b) return a > b end)
print(table.concat(nums, " "))
local words = {"pear", "Apple", "fig", "banana", "cherry"}
table.sort(words)
print(table.concat(words, " "))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(table.concat(words, " "))
local recs = {{n = "b", v = 2}, {n = "a", v = 2}, {n = "c", v = 1}}
table.sort(recs, function(x, y) if x.v ~= y.v then return x.v < y.v end return x.n < y.n end)
for _, r in ipairs(recs) do io.write(r.n, r.v, " ") end
print()
print(pcall(table.sort, {3, "a", 1}))
local many = {}
for i = 1, 200 do many[i] = (i * 7919) % 1000 end
table.sort(many)
local sorted = true
for i = 2, #many do if many[i - 1] > many[i] then sorted = false end end
print(sorted, many[1], many[200])
-- Length and holes (only sequences are well defined).
print(#{}, #{1, 2, 3}, #{n = 1}, #{1, 2, nil}, select("#", unpack({1, 2, 3})))
-- Constructors: positional, keyed, mixed, a call last and not last.
local function three() return 1, 2, 3 end
print(#{three()}, #{three(), three()}, #{(three())}, #{three(), nil})
local c = {"a", "b", n = tostring(5), x = "seven", three()}
print(#c, c.n, c.x, c[3], c[5])
-- next, pairs, ipairs.
local keys = {}
for k in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k end
table.sort(keys)
print(table.concat(keys, ","))
for i, v in ipairs({"x", "y", nil, "z"}) do io.write(i, v, " ") end
print()
print(next({}), type(next({1})), rawlen == nil, table.getn == nil)
print(table.maxn({1, 2, [10] = 3}), table.maxn({}))
local cnt = 0
for _ in pairs({1, 2, 3, x = 4, y = 5}) do cnt = cnt + 1 end
print(cnt)
-- Deleting while traversing is allowed.
local del = {a = 1, b = 2, c = 3, d = 4}
for k in pairs(del) do del[k] = nil end
print(next(del))
-- Nested tables and references.
local m = {{1, 2}, {3, 4}}
m[1][2] = 20
local ref = m[2]
ref[1] = 30
print(m[1][2], m[2][1], #m)
-- next with a key that is not in the table, and with keys removed while traversing.
print(pcall(next, {x = 1}, "zzz"), pcall(next, {1, 2}, 5), pcall(next, {}, 1))
local drained = {1, 2, 3, a = 1, b = 2}
local count, key = 0, next(drained)
while key ~= nil do count = count + 1 drained[key] = nil key = next(drained, key) end
print(count, next(drained))
