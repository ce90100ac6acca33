package stdlib_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// luaRoundTrip is what FuzzLuaJSONDecode runs for each input: json.decode
// under pcall, and for what decodes, json.encode and json.decode again.
const luaRoundTrip = `
local ok, v = pcall(json.decode, input)
if not ok then
  return false, v
end
local out = json.encode(v)
local again = json.encode(json.decode(out))
if again ~= out then
  error("round trip changed " .. out .. " into " .. again)
end
local pretty = json.encode(v, { indent = 2 })
if json.encode(json.decode(pretty)) ~= out then
  error("indented round trip changed " .. out)
end
return true, out
`

// FuzzLuaJSONDecode is json.decode as scripts call it (FuzzFromJSON covers
// the Go conversion underneath): a bad document is a Lua error whose
// message starts with "json.decode:" and that pcall catches, never a Go
// panic; what decodes encodes back, plain or indented, to the same JSON;
// and the VM keeps working afterwards.
//
//	go test ./stdlib -run '^$' -fuzz FuzzLuaJSONDecode -fuzztime 5m
func FuzzLuaJSONDecode(f *testing.F) {
	for _, seed := range []string{
		`{"a":[1,2.5,"x",null,true]}`, `[]`, `{}`, `[{}]`, `{"":[]}`, `"\u0000"`, `"\ud800"`, `"\xff"`,
		`1e400`, `-0`, `0.1e-999`, `123456789012345678901234567890`, `[1,]`, `{"a":1,}`, `{"a" 1}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, `{"a":{"a":{"a":{}}}}`,
		`nul`, `tru`, `"\`, ` `, "", `{"1":1,"2":2}`, `{"__index":1,"__tostring":"x"}`, `[null,null]`,
		`{"json":"null","n":null}`, "\ufeff{}", `{"a":1}{"b":2}`, `9007199254740993`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		L := lua.NewState()
		defer L.Close()
		if err := stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		L.SetContext(ctx)
		L.SetGlobal("input", lua.LString(input))
		err := L.DoString(luaRoundTrip)
		if err != nil {
			var ae *lua.ApiError
			if errors.As(err, &ae) && ae.Type == lua.ApiErrorPanic {
				t.Fatalf("Go panic for %q: %v", input, err)
			}
			t.Fatalf("for %q: %v", input, err)
		}
		ok, msg := L.Get(-2), L.Get(-1).String()
		L.Pop(2)
		if ok == lua.LFalse {
			if !strings.HasPrefix(msg, "json.decode:") && !strings.Contains(msg, "json.decode: ") {
				t.Fatalf("the error for %q does not say json.decode: %q", input, msg)
			}
			var x any
			if json.Unmarshal([]byte(input), &x) == nil {
				t.Fatalf("json.decode refused %q, which encoding/json accepts: %s", input, msg)
			}
		} else if !json.Valid([]byte(msg)) {
			t.Fatalf("json.encode wrote %q", msg)
		}
		// The VM still runs code.
		if err := L.DoString(`assert(json.decode("[1]")[1] == 1)`); err != nil {
			t.Fatalf("after %q: %v", input, err)
		}
	})
}
