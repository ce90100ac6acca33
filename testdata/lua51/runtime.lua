-- Runtime errors of many kinds, in functions loadstring made, with rawset's
-- errors (no location: raised inside the library).
local cases = {
  "local u = nil return function() return u.x end",
  "local u = {} return function() return u.x.y end",
  "return function(...) local a = ... return a.b end",
  "return function() for i = 1, 'x' do end end",
  "return function() for i = 1, 2, {} do end end",
  "return function() for k in 5 do end end",
  "return function() local t = {} t.f.g = 1 end",
  "return function() local t = setmetatable({}, {__index = function(t, k) return nil end}) return t.a.b end",
  "return function() return #5 end",
  "return function() return -{} end",
  "return function() return {} < 1 end",
  "return function() return {} <= {} end",
  "return function() return 'a' < 1 end",
  "return function() return nil .. 'x' end",
  "return function() local s = 'x' return s:nomethod() end",
  "return function() return ('x'):bad() end",
  "return function() return math.nope() end",
  "return function() return string.x.y end",
  "return function() local a = {} a[nil] = 1 end",
  "return function() local a = {} a[0/0] = 1 end",
  "return function() return rawset({}, nil, 1) end",
  "return function() error() end",
  "return function() error(nil) end",
  "return function() error(setmetatable({}, {__tostring = function() return 'TS' end})) end",
  "return function() local f = 5 f() end",
  "return function() undefinedglobal.x = 1 end",
  "return function() return ({}).x.y end",
  "return function() local t = {} return t[1][2] end",
  "return function() return tostring(nil)..nil end",
  "return function(x) return x + 1 end",
}
for _, src in ipairs(cases) do
  local f = assert(loadstring(src))()
  local ok, err = pcall(f)
  print(ok, type(err) == "table" and "table" or tostring(err))
end
print(pcall(rawset, {}, 0/0, 1))
print(pcall(rawset, {}, 1))
