-- json: encode, decode, null, arrays, round trips.
local t = require("assert")

-- Whole numbers are integers; other numbers read back exactly.
t.equal(json.encode(1), "1")
t.equal(json.encode(-0), "0")
t.equal(json.encode(1e15), "1000000000000000")
t.equal(json.encode(2^53), "9007199254740992")
t.equal(json.encode(1e20), "100000000000000000000")
t.equal(json.encode(1e21), "1e+21")
t.equal(json.encode(0.1), "0.1")
t.equal(json.encode(1/3), "0.3333333333333333")
t.equal(json.encode(1.5e-7), "1.5e-7")
t.equal(json.decode(json.encode(1/3)), 1/3)
t.error(function() json.encode(1/0) end, "cannot encode inf")
t.error(function() json.encode({a = {-1/0}}) end, "json.encode: a[1]: cannot encode -inf")

-- Scalars.
t.equal(json.encode(nil), "null")
t.equal(json.encode(true), "true")
t.equal(json.encode("a\"b\\c\n\t\1"), [["a\"b\\c\n\t\u0001"]])
t.equal(json.encode("héllo ✓"), [["héllo ✓"]])
t.equal(json.encode("bad \255 byte"), [["bad \ufffd byte"]])

-- Objects have sorted keys; sequences are arrays; the empty table is {}.
t.equal(json.encode({b = 1, a = {3, 2, 1}, c = {}}), [[{"a":[3,2,1],"b":1,"c":{}}]])
t.equal(json.encode({[1] = "x", [3] = "z"}), [[{"1":"x","3":"z"}]])
t.equal(json.encode({"x", y = 1}), [[{"1":"x","y":1}]])
t.equal(json.encode({[1.5] = true}), [[{"1.5":true}]])
t.error(function() json.encode({[true] = 1}) end, "json.encode: cannot encode a table with a boolean key")
t.error(function() json.encode({[1] = 1, ["1"] = 2}) end, [[a string key and a number key both encode as "1"]])
t.error(function() json.encode({f = print}) end, "json.encode: f: cannot encode a function")

-- Marked arrays stay arrays when empty, and write holes as null.
t.equal(json.encode(json.array()), "[]")
t.equal(json.encode({list = json.array({})}), [[{"list":[]}]])
local holes = json.array({})
holes[2] = "b"
t.equal(json.encode(holes), '[null,"b"]')
local marked = json.array({1})
t.equal(json.array(marked), marked, "marking twice is fine")
t.error(function() json.array(setmetatable({}, {})) end, "json.array: the table already has a metatable")
local bad = json.array({})
bad.x = 1
t.error(function() json.encode(bad) end, [[table marked as array has key "x"]])

-- Indentation.
t.equal(json.encode({a = {1, 2}, b = {}, c = json.array()}, {indent = 2}), [[{
  "a": [
    1,
    2
  ],
  "b": {},
  "c": []
}]])
t.equal(json.encode({a = 1}, {indent = "\t"}), "{\n\t\"a\": 1\n}")
t.equal(json.encode({a = 1}, {indent = true}), "{\n  \"a\": 1\n}")
t.equal(json.encode({a = 1}, {indent = 0}), [[{"a":1}]])

-- Cycles fail with the path; shared tables that are not cycles are fine.
local c = {config = {}}
c.config.self = c
t.error(function() json.encode(c) end, "json.encode: config.self: cycle detected")
local list = {}
list[1] = {list}
t.error(function() json.encode(list) end, "[1][1]: cycle detected")
local shared = {1}
t.equal(json.encode({a = shared, b = shared}), [[{"a":[1],"b":[1]}]])
t.error(function() json.encode({["a b"] = {x = c}}) end, [=[["a b"].x.config.self: cycle detected]=])

-- Decoding.
local v = json.decode([[ {"id": "148e", "n": 3, "f": 2.5, "ok": true, "no": false,
  "tags": ["a", "b"], "empty": [], "obj": {}, "nothing": null, "big": 12345678901234567890} ]])
t.equal(v.id, "148e")
t.equal(v.n, 3)
t.equal(v.f, 2.5)
t.equal(v.ok, true)
t.equal(v.no, false)
t.same(v.tags, {"a", "b"})
t.equal(#v.empty, 0)
t.same(v.obj, {})
t.equal(v.nothing, json.null)
t.equal(json.encode(v.big), "12345678901234567168", "big integers stay whole")
t.equal(json.encode(json.decode("[]")), "[]", "empty arrays stay arrays")
t.equal(json.encode(json.decode("{}")), "{}")
t.equal(json.decode("null"), json.null)
t.equal(json.decode('"x"'), "x")
t.equal(json.decode(" 7 "), 7)
t.equal(json.decode("-0.5e1"), -5)

-- An emptied decoded array is still an array.
local arr = json.decode("[1,2]")
table.remove(arr); table.remove(arr)
t.equal(json.encode(arr), "[]")

-- Unicode and escapes.
t.equal(json.decode([["\u00e9\u2713 \ud83d\ude00 \/ \b\f\n\r\t"]]), "é✓ 😀 / \b\f\n\r\t")
t.equal(json.decode([["\ud83d"]]), "\239\191\189", "a lone surrogate is U+FFFD")
t.equal(json.decode('"raw \255\254 bytes"'), "raw \239\191\189\239\191\189 bytes", "invalid UTF-8 becomes U+FFFD")
t.equal(json.encode("\226\128\168"), [["\u2028"]])

-- json.null.
t.equal(tostring(json.null), "json.null")
t.equal(json.null, json.null)
t.equal(type(json.null), "userdata")
t.equal(json.encode({a = json.null, b = {json.null}}), [[{"a":null,"b":[null]}]])
t.equal(getmetatable(json.null), "json.null", "the metatable is protected")
t.error(function() setmetatable(json.null, {}) end)

-- Errors say where.
t.error(function() json.decode("") end, "json.decode: line 1, column 1: unexpected end of input, expected a value")
t.error(function() json.decode("{\n  \"a\": tru }") end, "json.decode: line 2, column 8: unexpected 't', expected a value")
t.error(function() json.decode("[1,]") end, "unexpected ']', expected a value")
t.error(function() json.decode("[1 2]") end, "unexpected '2', expected ',' or ']'")
t.error(function() json.decode('{"a" 1}') end, "expected ':'")
t.error(function() json.decode('{a: 1}') end, "expected a member name")
t.error(function() json.decode("01") end, "unexpected '1' after the value")
t.error(function() json.decode("1.") end, "expected a digit")
t.error(function() json.decode("-") end, "in number")
t.error(function() json.decode('"a\\x"') end, [[invalid escape "\\x"]])
t.error(function() json.decode('"a\nb"') end, "control character 0x0a in string")
t.error(function() json.decode('"abc') end, "unexpected end of input in string")
t.error(function() json.decode("1e999") end, "out of range")
t.error(function() json.decode("{} {}") end, "after the value")
t.error(function() json.decode(string.rep("[", 10001)) end, "nested too deeply")

-- Deep nesting within the limit round-trips.
local deep = string.rep("[", 500) .. string.rep("]", 500)
t.equal(json.encode(json.decode(deep)), deep)

-- Round trips of a realistic document.
local doc = [[{"config":{"env":{"A":"1"},"guest":{"cpu_kind":"shared","cpus":1,"memory_mb":256},"image":"nginx:1.27","mounts":[],"services":[{"internal_port":8080,"ports":[{"handlers":["http"],"port":80}],"protocol":"tcp"}]},"id":"3d8d9a1c5e6f87","region":"ord","state":"started"}]]
t.equal(json.encode(json.decode(doc)), doc)

-- A metatable can force the kind: records stay objects even when they look
-- like sequences.
local record = setmetatable({"a", "b"}, {__jsontype = "object"})
t.equal(json.encode(record), [[{"1":"a","2":"b"}]])
t.equal(json.encode(setmetatable({}, {__jsontype = "object"})), "{}")
t.equal(json.encode(setmetatable({}, {__jsontype = "array"})), "[]")
