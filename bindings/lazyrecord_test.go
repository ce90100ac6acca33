package bindings

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lazy/lazytest"
)

// lazyMachine is a Get Machine answer with every kind of member a record
// keeps aside: nested objects (config, image_ref), arrays of records
// (events, whose request objects are kept aside in turn), an array of plain
// objects (checks), an empty object and array, a null, a key repeated with
// an object first and a string last, and escapes inside a kept-aside member.
const lazyMachine = `{
  "id": "m1", "name": "web-1", "state": "started", "region": "ord",
  "config": {"image": "registry.fly.io/web:1", "env": {"PORT": "8080", "Q": "a\"b\u00e9"},
    "guest": {"cpu_kind": "shared", "cpus": 1, "memory_mb": 256},
    "services": [{"protocol": "tcp", "internal_port": 8080, "ports": [{"port": 443, "handlers": ["tls", "http"]}]}],
    "metadata": {"fly_process_group": "app"}, "restart": {"policy": "always"}},
  "instance_id": "01J8",
  "image_ref": {"registry": "registry.fly.io", "repository": "web", "tag": "1", "labels": {}},
  "events": [
    {"id": "e2", "type": "start", "status": "started", "source": "flyd", "timestamp": 1700000002000, "request": {"exit_event": null}},
    {"id": "e1", "type": "launch", "status": "created", "source": "user", "timestamp": 1700000001000}
  ],
  "checks": [{"name": "http", "status": "passing", "output": "OK"}],
  "incomplete_config": null,
  "host_status": {"not": "a string"},
  "private_ip": "fdaa::3", "empty_object": {}, "empty_array": [],
  "host_status": "ok",
  "created_at": "2026-12-07T06:00:00Z", "updated_at": "2026-12-07T06:01:00Z"
}`

// lazyAPI answers Get Machine with lazyMachine and Update Machine with
// lazyMachine too, recording what it was sent.
func lazyAPI(t *testing.T) *fakeAPI {
	return newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(lazyMachine))
	})
}

// eagerVM is newVM whose answers are decoded whole, as before records kept
// members aside: the reference a lazy record must not be told from.
func eagerVM(t *testing.T, base string) *lua.LState {
	L, f := newVM(t, base, "a")
	f.decEnv = &decodeEnv{records: f.recordMeta, arrayMT: f.arrayMeta()}
	return L
}

// dumpLua defines dump(v): a value's type and contents, tables walked with
// pairs in pairs' order (so the order counts) with their metatable's
// __name, and check(v): the same walked with next.
const dumpLua = `
function dump(v)
  if type(v) ~= "table" then return type(v) .. ":" .. tostring(v) end
  local mt = getmetatable(v)
  local out = {}
  for k, x in pairs(v) do out[#out + 1] = tostring(k) .. "=" .. dump(x) end
  return (mt and tostring(mt.__name) or "") .. "{" .. table.concat(out, ",") .. "}"
end
function keys_by_next(t)
  local out, k = {}, next(t)
  while k ~= nil do out[#out + 1] = k; k = next(t, k) end
  return table.concat(out, ",")
end
`

// observe runs src (a chunk with m, a freshly fetched machine, in scope)
// and returns what it returns as a string, or its error.
func observe(t *testing.T, L *lua.LState, src string) string {
	t.Helper()
	if err := L.DoString(dumpLua); err != nil {
		t.Fatal(err)
	}
	fn, err := L.LoadString("local m = fly.machines.get('m1')\n" + src)
	require.NoError(t, err)
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return "error: " + err.Error()
	}
	v := L.Get(-1)
	L.Pop(1)
	return v.String()
}

// A lazy record cannot be told from one decoded whole: each observation runs
// on a fresh record (nothing read before it) in a VM whose records keep
// members aside and in one that decodes answers whole, and both must say
// the same.
func TestLazyRecordLooksDecodedWhole(t *testing.T) {
	api := lazyAPI(t)
	lazyL, f := newVM(t, api.srv.URL, "a")
	eager := eagerVM(t, api.srv.URL)
	observations := map[string]string{
		"pairs":             `return dump(m)`,
		"next":              `return keys_by_next(m)`,
		"json.encode":       `return json.encode(m)`,
		"inspect":           `return inspect(m)`,
		"tostring":          `return tostring(m) .. " " .. tostring(m.events[1])`,
		"read":              `return m.config.image .. " " .. m.config.guest.memory_mb .. " " .. m.events[2].id`,
		"read event first":  `local e = m.events[1] return dump(e) .. dump(m)`,
		"rawget":            `return dump(rawget(m, "config")) .. dump(rawget(m, "events")) .. tostring(rawget(m, "nope"))`,
		"rawget then pairs": `rawget(m, "checks") return dump(m)`,
		"length":            `local n = 0 for _ in ipairs(m.events) do n = n + 1 end return #m.events .. " " .. n .. " " .. #m.checks`,
		"same table":        `return tostring(m.config == m.config) .. tostring(rawequal(m.events, m.events))`,
		"missing":           `return tostring(m.nope) .. tostring(m.incomplete_config)`,
		"host_status":       `return m.host_status`,
		"setmetatable":      `setmetatable(m, nil) return dump(m)`,
		"getmetatable":      `return getmetatable(m).__name`,
		"debug.setmeta":     `debug.setmetatable(m, nil) return dump(m)`,
		"write then walk":   `m.config = {image = "x"} return dump(m)`,
		"clear then walk":   `m.config = nil m.events = nil return dump(m) .. json.encode(m)`,
		"rawset then walk":  `rawset(m, "checks", nil) rawset(m, "image_ref", 7) return dump(m)`,
		"modify nested":     `m.config.image = "y" m.events[1].status = "z" return json.encode(m)`,
		"new key":           `m.extra = 1 return dump(m)`,
		"nil key":           `m[nil] = 1`,
		"pairs mid-walk":    `local n = 0 for k in pairs(m) do n = n + 1 if k == "id" then m.config = nil end end return n .. dump(m)`,
		"nested dump":       `return dump(m.config) .. dump(m.image_ref) .. dump(m.empty_object) .. dump(m.empty_array)`,
		"log fields":        `log.info("x", m) return "ok"`,
	}
	for name, src := range observations {
		t.Run(name, func(t *testing.T) {
			want := observe(t, eager, src)
			got := observe(t, lazyL, src)
			assert.Equal(t, want, got)
			assert.NotEmpty(t, want)
		})
	}
	// The lazy VM did keep members aside: a record not read is pending.
	observe(t, lazyL, `_G.kept = m`)
	assert.Positive(t, f.lazy.Len())
}

// The answer's content survives: json.encode of a lazy record, read by Go,
// is the answer itself (null members left out).
func TestLazyRecordEncodesTheAnswer(t *testing.T) {
	api := lazyAPI(t)
	L, _ := newVM(t, api.srv.URL, "a")
	got := observe(t, L, `return json.encode(m)`)
	var want, have map[string]any
	require.NoError(t, json.Unmarshal([]byte(lazyMachine), &want))
	delete(want, "incomplete_config") // nulls are nil: absent
	delete(want["events"].([]any)[0].(map[string]any)["request"].(map[string]any), "exit_event")
	require.NoError(t, json.Unmarshal([]byte(got), &have))
	assert.Equal(t, want, have)
	assert.Equal(t, "registry.fly.io/web:1", have["config"].(map[string]any)["image"])
}

// A record's kept-aside config sent back in an update is the config
// received, with what the script changed: read then modified, replaced
// before it was read, or never read at all.
func TestLazyRecordSentBackInAnUpdate(t *testing.T) {
	var want map[string]any
	require.NoError(t, json.Unmarshal([]byte(lazyMachine), &want))
	config := want["config"].(map[string]any)
	cases := []struct {
		name, src string
		config    map[string]any
	}{
		{"untouched", `fly.machines.update(m.id, {config = m.config})`, config},
		{"modified after reading", `m.config.image = "new" fly.machines.update(m.id, {config = m.config})`,
			with(config, "image", "new")},
		{"replaced before reading", `m.config = {image = "other"} fly.machines.update(m.id, {config = m.config})`,
			map[string]any{"image": "other"}},
		{"rawset before reading", `rawset(m, "config", {image = "raw"}) fly.machines.update(m.id, {config = rawget(m, "config")})`,
			map[string]any{"image": "raw"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api := lazyAPI(t)
			L, _ := newVM(t, api.srv.URL, "a")
			require.NoError(t, L.DoString("local m = fly.machines.get('m1')\n"+tc.src))
			req := api.last()
			require.Equal(t, http.MethodPost, req.Method)
			var body map[string]any
			require.NoError(t, json.Unmarshal([]byte(req.Body), &body))
			assert.Equal(t, tc.config, body["config"])
		})
	}
}

// with is a copy of m with key set to v.
func with(m map[string]any, key string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[k] = x
	}
	out[key] = v
	return out
}

// dumpGo is dumpLua's dump in Go, for decodeJSON's results.
func dumpGo(L *lua.LState, v lua.LValue) string {
	t, ok := v.(*lua.LTable)
	if !ok {
		return v.Type().String() + ":" + v.String()
	}
	if err := L.CallByParam(lua.P{Fn: L.GetGlobal("dump"), NRet: 1, Protect: true}, t); err != nil {
		return "error: " + err.Error()
	}
	s := L.Get(-1).String()
	L.Pop(1)
	return s
}

// decodeBoth decodes data as a Machine answer lazily and whole, and returns
// both dumps or both errors.
func decodeBoth(t *testing.T, L *lua.LState, f *Fly, data string) (lazyOut, eagerOut string) {
	t.Helper()
	s := LookupSchema("Machine")
	require.NotNil(t, s)
	env := f.decodeEnv()
	eagerEnv := &decodeEnv{records: env.records, arrayMT: env.arrayMT}
	lv, lerr := decodeJSON([]byte(data), s, env)
	ev, eerr := decodeJSON([]byte(data), s, eagerEnv)
	if lerr != nil || eerr != nil {
		return "error: " + errString(lerr), "error: " + errString(eerr)
	}
	return dumpGo(L, lv), dumpGo(L, ev)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A member kept aside is checked when the answer is decoded: bad JSON inside
// it is the same error, at the same byte, as when decoding whole, and
// strange but valid answers decode the same.
func TestLazyDecodeMatchesWholeDecode(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	require.NoError(t, L.DoString(dumpLua))
	inputs := []string{
		lazyMachine,
		`{"config": {"a": 1}, "config": "last"}`,
		`{"config": "first", "config": {"a": 1}}`,
		`{"config": {"a": 1}, "config": null}`,
		`{"config": {"a": 1}, "id": "x", "config": {"b": 2}}`,
		`{"events": [[], {}, [1, [2, {"x": null}]]], "id": "x"}`,
		`{"config": {"s": "\u00e9\ud83d\ude00\n\\\/"}}`,
		`{"config": {"s": "raw` + "\x01" + `control"}}`,
		`{"config": {"n": -0.5e3, "m": 01, "k": 1.}}`,
		`{"config": {"a": 1,}}`,
		`{"config": {"a" 1}}`,
		`{"config": {"a": tru}}`,
		`{"config": {"a": nul}}`,
		`{"config": {"a": 1-2}}`,
		`{"config": {"a": "\x"}}`,
		`{"config": {"a": "\u12"}}`,
		`{"config": {"a": "esc\"` + "\x01" + `"}}`,
		`{"config": [1, 2`,
		`{"config": {"a": [1 2]}}`,
		`{"config": {"a": "unterminated}}`,
		`{"config": {}} trailing`,
		`{"config": {"a": +1}}`,
		`{"events": [{"request": {"deep": [{"x": "y"}]}}]}`,
	}
	for _, in := range inputs {
		lazyOut, eagerOut := decodeBoth(t, L, f, in)
		assert.Equal(t, eagerOut, lazyOut, "input %q", in)
	}
}

// Records the script drops are forgotten: the set of pending records does
// not grow with every answer decoded.
func TestLazyRecordsAreCollected(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	_ = L
	s := LookupSchema("Machine")
	for i := 0; i < 5000; i++ {
		_, err := decodeJSON([]byte(lazyMachine), s, f.decodeEnv())
		require.NoError(t, err)
		if i%1000 == 999 {
			runtime.GC()
		}
	}
	runtime.GC()
	assert.Less(t, f.lazy.Len(), 2500, "pending records are swept once collected")
}

// FuzzLazyMatchesWhole decodes any input as a Machine answer lazily and
// whole: the results (walked with pairs, so order counts) or the errors are
// the same.
func FuzzLazyMatchesWhole(f *testing.F) {
	f.Add(lazyMachine)
	f.Add(`{"config": {"a": [1, {"b": "\u00e9"}]}, "id": "x"}`)
	f.Add(`{"events": [{"request": {}}], "config": null}`)
	f.Fuzz(func(t *testing.T, data string) {
		L, fly := newVM(t, "http://unused.invalid", "a")
		require.NoError(t, L.DoString(dumpLua))
		lazyOut, eagerOut := decodeBoth(t, L, fly, data)
		if lazyOut != eagerOut {
			t.Fatalf("input %q:\nlazy  %s\nwhole %s", data, lazyOut, eagerOut)
		}
	})
}

// A record whose members were kept aside encodes as a request body the way
// one decoded whole does: as a value inside a body, and as a whole body
// merged with body options.
func TestLazyRecordEncodesAsABody(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	s := LookupSchema("Machine")
	env := f.decodeEnv()
	known := strings.Replace(lazyMachine, `"empty_object": {}, "empty_array": [],`, "", 1)
	lazyV, err := decodeJSON([]byte(known), s, env)
	require.NoError(t, err)
	eagerV, err := decodeJSON([]byte(known), s, &decodeEnv{records: env.records, arrayMT: env.arrayMT})
	require.NoError(t, err)
	encode := func(v lua.LValue) string {
		e := f.encoder()
		require.Nil(t, e.value(v, s, nil))
		return string(e.buf)
	}
	want := encode(eagerV)
	assert.Contains(t, want, `"config":{`)
	assert.Equal(t, want, encode(lazyV))

	// fly.machines.create(body, {region = ...}) copies the body's members.
	op := opInfo("POST /v1/apps/{app_name}/machines")
	require.NotNil(t, op)
	config := eagerV.(*lua.LTable).RawGetString("config")
	body := func(whole *lua.LTable) string {
		c := &call{fn: &Func{Name: "fly.machines.create"}, op: op, req: &client.Request{}, whole: whole,
			fields: []bodyField{{"region", lua.LString("ord")}}}
		f.encodeBody(L, c)
		return string(c.req.Body)
	}
	plain := L.NewTable()
	plain.RawSetString("config", config)
	wantBody := body(plain)
	assert.Contains(t, wantBody, `"image":"registry.fly.io/web:1"`)
	assert.Equal(t, wantBody, body(lazytest.Table(L, lazytest.Field{Key: "config", Value: config, Aside: true})))
}

// An app's one-line form reads organization.slug, a member kept aside.
func TestLazyRecordToString(t *testing.T) {
	L, f := newVM(t, "http://unused.invalid", "a")
	v, err := decodeJSON([]byte(`{"name": "web", "organization": {"slug": "acme"}, "status": "deployed"}`),
		LookupSchema("App"), f.decodeEnv())
	require.NoError(t, err)
	require.Positive(t, f.lazy.Len())
	assert.Equal(t, "<app web acme deployed>", L.ToStringMeta(v).String())
}

// A record standing in for an options table is read whole.
func TestLazyRecordAsOptions(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
	L, _ := newVM(t, api.srv.URL, "a")
	L.SetGlobal("opts", lazytest.Table(L, lazytest.Field{Key: "signal", Value: lua.LString("SIGTERM"), Aside: true}))
	require.NoError(t, L.DoString(`fly.machines.stop("m1", opts)`))
	assert.Contains(t, api.last().Body, `"signal":"SIGTERM"`)
}

// An envelope whose member was kept aside still unwraps to that member.
func TestUnwrapLazyEnvelope(t *testing.T) {
	L, _ := newVM(t, "http://unused.invalid", "a")
	inner := L.NewTable()
	env := lazytest.Table(L, lazytest.Field{Key: "data", Value: inner, Aside: true})
	assert.Same(t, inner, unwrap(env, "data"))
}

// A table with members kept aside, standing in for fly.apps.create's body
// or fly.request's options, is read whole.
func TestLazyTableAsBodyAndRequestOptions(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, _ *http.Request, _ []byte) {
		writeJSON(w, http.StatusOK, map[string]any{"name": "x"})
	})
	L, _ := newVM(t, api.srv.URL, "a")
	L.SetGlobal("body", lazytest.Table(L, lazytest.Field{Key: "name", Value: lua.LString("lazy-app"), Aside: true}))
	require.NoError(t, L.DoString(`fly.apps.create(body)`))
	assert.Contains(t, api.last().Body, `"name":"lazy-app"`)

	query := L.NewTable()
	query.RawSetString("q", lua.LString("1"))
	L.SetGlobal("opts", lazytest.Table(L, lazytest.Field{Key: "query", Value: query, Aside: true}))
	require.NoError(t, L.DoString(`fly.request("GET", "/v1/apps", nil, opts)`))
	assert.Equal(t, "q=1", api.last().Query)
}
