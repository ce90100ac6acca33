package stdlib_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func TestToJSON(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	tbl := func(kv ...any) *lua.LTable {
		t := L.NewTable()
		for i := 0; i < len(kv); i += 2 {
			t.RawSet(toLua(kv[i]), toLua(kv[i+1]))
		}
		return t
	}
	seq := func(vs ...any) *lua.LTable {
		t := L.NewTable()
		for _, v := range vs {
			t.Append(toLua(v))
		}
		return t
	}
	cases := []struct {
		name string
		in   lua.LValue
		want string
	}{
		{"nil", lua.LNil, `null`},
		{"null", stdlib.Null(L), `null`},
		{"true", lua.LTrue, `true`},
		{"int", lua.LNumber(42), `42`},
		{"negative int", lua.LNumber(-7), `-7`},
		{"float", lua.LNumber(2.5), `2.5`},
		{"max exact", lua.LNumber(1 << 53), `9007199254740992`},
		{"tiny", lua.LNumber(5e-324), `5e-324`},
		{"huge", lua.LNumber(1.7976931348623157e308), `1.7976931348623157e+308`},
		{"string", lua.LString("a\"b"), `"a\"b"`},
		{"empty", L.NewTable(), `{}`},
		{"sequence", seq(1, "two", true), `[1,"two",true]`},
		{"object", tbl("b", 1, "a", 2), `{"a":2,"b":1}`},
		{"nested", tbl("list", seq(tbl("x", 1)), "n", 0), `{"list":[{"x":1}],"n":0}`},
		{"sparse", tbl(1, "a", 3, "c"), `{"1":"a","3":"c"}`},
		{"negative key", tbl(-1, "a"), `{"-1":"a"}`},
		{"zero key", tbl(0, "a", 1, "b"), `{"0":"a","1":"b"}`},
		{"huge key", tbl(1e300, true), `{"1e+300":true}`},
		{"unicode", lua.LString("日本語 ✓"), `"日本語 ✓"`},
		{"controls", lua.LString("\x00\x1f\x7f"), `"\u0000\u001f` + "\x7f" + `"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := stdlib.ToJSON(c.in)
			require.NoError(t, err)
			assert.Equal(t, c.want, string(out))
			assert.True(t, json.Valid(out), "%s is not valid JSON", out)
		})
	}
}

func TestToJSONErrors(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	cyc := L.NewTable()
	inner := L.NewTable()
	cyc.RawSetString("a", inner)
	inner.RawSetString("b c", cyc)
	cases := []struct {
		name string
		in   lua.LValue
		want string
	}{
		{"nan", lua.LNumber(math.NaN()), "cannot encode nan (JSON has no NaN or infinity)"},
		{"function", L.NewFunction(func(*lua.LState) int { return 0 }), "cannot encode a function"},
		{"userdata", L.NewUserData(), "cannot encode a userdata"},
		{"cycle", cyc, `a["b c"]: cycle detected (a table contains itself)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := stdlib.ToJSON(c.in)
			require.Error(t, err)
			assert.Equal(t, c.want, err.Error())
			var ee *stdlib.EncodeError
			assert.ErrorAs(t, err, &ee)
		})
	}
}

func TestEncoderHooks(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	val := v.eval(t, `{ name = "x", mounts = {}, env = {}, nested = { { files = {} } }, secret = "s3cr3t" }`)
	var emptyPaths []string
	enc := stdlib.Encoder{
		EmptyArray: func(p stdlib.Path) bool {
			emptyPaths = append(emptyPaths, p.String())
			return p.String() == "mounts" || strings.HasSuffix(p.String(), ".files")
		},
		Hook: func(p stdlib.Path, v lua.LValue) ([]byte, bool, error) {
			if p.String() == "secret" {
				return []byte(`"[hidden]"`), true, nil
			}
			return nil, false, nil
		},
	}
	out, err := enc.Encode(val)
	require.NoError(t, err)
	assert.Equal(t, `{"env":{},"mounts":[],"name":"x","nested":[{"files":[]}],"secret":"[hidden]"}`, string(out))
	assert.ElementsMatch(t, []string{"env", "mounts", "nested[1].files"}, emptyPaths)

	enc.Hook = func(p stdlib.Path, v lua.LValue) ([]byte, bool, error) {
		if v.Type() == lua.LTString && v.String() == "x" {
			return nil, false, fmt.Errorf("%s: refused", p)
		}
		return nil, false, nil
	}
	_, err = enc.Encode(val)
	assert.EqualError(t, err, "name: refused")
}

func TestPathString(t *testing.T) {
	assert.Equal(t, "", stdlib.Path{}.String())
	assert.Equal(t, "config.guest.cpus", stdlib.Path{{Key: "config"}, {Key: "guest"}, {Key: "cpus"}}.String())
	assert.Equal(t, "mounts[2].path", stdlib.Path{{Key: "mounts"}, {Index: 2}, {Key: "path"}}.String())
	assert.Equal(t, `env["FOO-BAR"]`, stdlib.Path{{Key: "env"}, {Key: "FOO-BAR"}}.String())
	assert.Equal(t, `[1]["end"]`, stdlib.Path{{Index: 1}, {Key: "end"}}.String())
}

func TestFromJSON(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	v, err := stdlib.FromJSON(L, []byte(`{"a":null,"b":[1,null,3],"c":"x"}`))
	require.NoError(t, err)
	tb := v.(*lua.LTable)
	assert.True(t, stdlib.IsNull(tb.RawGetString("a")))
	assert.Same(t, stdlib.Null(L), tb.RawGetString("a"), "one null per VM")
	assert.True(t, stdlib.IsNull(tb.RawGetString("b").(*lua.LTable).RawGetInt(2)))

	v, err = stdlib.FromJSON(L, []byte(`{"a":null,"b":[1,null,3],"c":"x"}`), stdlib.NullAsNil())
	require.NoError(t, err)
	tb = v.(*lua.LTable)
	k, _ := tb.Next(lua.LNil)
	var keys []string
	for ; k != lua.LNil; k, _ = tb.Next(k) {
		keys = append(keys, k.String())
	}
	assert.ElementsMatch(t, []string{"b", "c"}, keys, "null members are absent")
	arr := tb.RawGetString("b").(*lua.LTable)
	assert.Equal(t, lua.LNil, arr.RawGetInt(2))
	assert.Equal(t, lua.LNumber(3), arr.RawGetInt(3))

	// Arrays carry the mark; objects do not.
	assert.NotEqual(t, lua.LNil, arr.Metatable)
	assert.Equal(t, lua.LNil, tb.Metatable)

	assert.False(t, stdlib.IsNull(lua.LNil))
	assert.False(t, stdlib.IsNull(L.NewUserData()))

	_, err = stdlib.FromJSON(L, []byte("{\n\"a\": [1, 2,]}"))
	var se *stdlib.SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 2, se.Line)
	assert.Equal(t, 12, se.Column)
	assert.Equal(t, 13, se.Offset)
	assert.Equal(t, "line 2, column 12: unexpected ']', expected a value", err.Error())
}

// TestFromJSONAgreesWithEncodingJSON decodes documents with both decoders
// and compares the results value by value.
func TestFromJSONAgreesWithEncodingJSON(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	docs := []string{
		`0`, `-0.0`, `1e2`, `1E-2`, `-123.456e+7`, `123456789012345678`, `"\u00e9\ud83d\ude00\"\\\/"`, "\"\xff\xfe\xc3 \\u0000\"",
		`[[],{},[[]],{"":""}]`, `{"a":{"a":{"a":[1,2,{"b":false}]}}}`, `  [ 1 , 2 ]  `,
		string(machinesJSON(3)),
	}
	for _, doc := range docs {
		var want any
		require.NoError(t, json.Unmarshal([]byte(doc), &want), doc)
		got, err := stdlib.FromJSON(L, []byte(doc))
		require.NoError(t, err, doc)
		assert.Equal(t, want, toGo(got), doc)
	}
	// What encoding/json rejects, FromJSON rejects too.
	for _, bad := range []string{``, ` `, `nul`, `[1,]`, `{"a":1,}`, `01`, `1.`, `.5`, `+1`, `1e`, `"\x"`, "\"\x01\"", `[1 2]`, `{1:2}`, `{"a" 2}`, `"abc`, `[`, `{`, `tru`, `NaN`, `1 2`} {
		_, err := stdlib.FromJSON(L, []byte(bad))
		assert.Error(t, err, "%q", bad)
		assert.Error(t, json.Unmarshal([]byte(bad), new(any)), "%q", bad)
	}
}

// toLua converts a few Go values for table-building in tests.
func toLua(v any) lua.LValue {
	switch v := v.(type) {
	case int:
		return lua.LNumber(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case bool:
		return lua.LBool(v)
	case lua.LValue:
		return v
	}
	panic(fmt.Sprintf("toLua: %T", v))
}

// toGo converts decoded Lua values to what encoding/json gives for any.
func toGo(v lua.LValue) any {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v)
	case lua.LString:
		return string(v)
	case lua.LBool:
		return bool(v)
	case *lua.LTable:
		if v.Metatable != lua.LNil {
			out := []any{}
			for i := 1; i <= v.MaxN(); i++ {
				out = append(out, toGo(v.RawGetInt(i)))
			}
			return out
		}
		out := map[string]any{}
		v.ForEach(func(k, val lua.LValue) { out[k.String()] = toGo(val) })
		return out
	}
	if stdlib.IsNull(v) {
		return nil
	}
	panic(fmt.Sprintf("toGo: %T", v))
}

// machinesJSON is a list of n machines shaped like GET /v1/apps/{app}/machines.
func machinesJSON(n int) []byte {
	var b strings.Builder
	b.WriteByte('[')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"3d8d9a1c%06x","name":"web-%d","state":"started","region":"%s",`+
			`"instance_id":"01J0ABCDEF%06dXYZ","private_ip":"fdaa:0:1:a7b:1b8:%x:1:2","created_at":"2024-05-01T12:%02d:00Z",`+
			`"updated_at":"2024-05-01T13:%02d:00Z","host_status":"ok","incomplete_config":null,`+
			`"config":{"image":"registry.fly.io/web:deployment-01J%06d","guest":{"cpu_kind":"shared","cpus":1,"memory_mb":256},`+
			`"env":{"PRIMARY_REGION":"ord","PORT":"8080"},"restart":{"policy":"on-failure","max_retries":10},`+
			`"services":[{"protocol":"tcp","internal_port":8080,"autostop":"stop","autostart":true,"min_machines_running":0,`+
			`"ports":[{"port":80,"handlers":["http"],"force_https":true},{"port":443,"handlers":["tls","http"]}],`+
			`"concurrency":{"type":"connections","hard_limit":25,"soft_limit":20}}],`+
			`"metadata":{"fly_platform_version":"v2","fly_process_group":"app","fly_release_id":"abc%d","fly_release_version":"%d"},`+
			`"checks":{"alive":{"type":"tcp","port":8080,"interval":"15s","timeout":"2s"}},"stop_config":{"timeout":"5s","signal":"SIGINT"}},`+
			`"image_ref":{"registry":"registry.fly.io","repository":"web","tag":"deployment-01J%06d","digest":"sha256:%064x",`+
			`"labels":{}},"events":[{"type":"start","status":"started","source":"flyd","timestamp":%d},`+
			`{"type":"launch","status":"created","source":"user","timestamp":%d}],"checks":[{"name":"alive","status":"passing",`+
			`"output":"Success","updated_at":"2024-05-01T13:00:00.123Z"}]}`,
			i, i, []string{"ord", "iad", "ams", "syd"}[i%4], i, i, i%60, i%60, i, i, i, i, i, 1714564800000+int64(i), 1714564700000+int64(i))
	}
	b.WriteByte(']')
	return []byte(b.String())
}

// BenchmarkFromJSON converts a list of 1,000 machines into Lua tables; the
// target is within 2x of BenchmarkUnmarshalMaps, the same bytes decoded by
// encoding/json into []map[string]any:
//
//	go test ./stdlib -run '^$' -bench 'FromJSON|UnmarshalMaps' -benchmem -count 6
func BenchmarkFromJSON(b *testing.B) {
	data := machinesJSON(1000)
	L := lua.NewState()
	defer L.Close()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := stdlib.FromJSON(L, data, stdlib.NullAsNil()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalMaps is the baseline of BenchmarkFromJSON.
func BenchmarkUnmarshalMaps(b *testing.B) {
	data := machinesJSON(1000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var out []map[string]any
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkToJSON encodes the same list back.
func BenchmarkToJSON(b *testing.B) {
	data := machinesJSON(1000)
	L := lua.NewState()
	defer L.Close()
	v, err := stdlib.FromJSON(L, data)
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := stdlib.ToJSON(v); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzFromJSON checks that FromJSON never panics, accepts exactly what
// encoding/json accepts, and that what it decodes encodes to JSON that
// decodes to the same value.
//
//	go test ./stdlib -run '^$' -fuzz FuzzFromJSON -fuzztime 5m -fuzzminimizetime 10s
//
// (Minimizing a large input can outlast -fuzztime, which the fuzzer then
// reports as "hung or terminated unexpectedly while minimizing"; the
// bounded minimization avoids that.)
func FuzzFromJSON(f *testing.F) {
	for _, seed := range []string{`{"a":[1,2.5,"x",null,true]}`, `[]`, `"\ud83d\ude00"`, `-0`, `1e308`, `{"":{}}`, string(machinesJSON(1))} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		L := lua.NewState()
		defer L.Close()
		v, err := stdlib.FromJSON(L, data)
		if json.Valid(data) != (err == nil) {
			// encoding/json also rejects numbers that overflow float64 only
			// when decoding; Valid accepts them.
			var x any
			if json.Unmarshal(data, &x) == nil || err == nil {
				t.Fatalf("FromJSON error %v, json.Valid %v, for %q", err, json.Valid(data), data)
			}
		}
		if err != nil {
			return
		}
		out, err := stdlib.ToJSON(v)
		if err != nil {
			t.Fatalf("ToJSON of a decoded value: %v", err)
		}
		v2, err := stdlib.FromJSON(L, out)
		if err != nil {
			t.Fatalf("decoding %q: %v", out, err)
		}
		// reflect, not testify: its diff of a large input is slow enough to
		// stall the fuzzer.
		if !reflect.DeepEqual(toGo(v), toGo(v2)) {
			t.Fatalf("round trip of %q changed it to %q", data, out)
		}
		var want any
		if err := json.Unmarshal(data, &want); err == nil && !reflect.DeepEqual(want, toGo(v)) {
			t.Fatalf("FromJSON and encoding/json disagree on %q", data)
		}
	})
}
