package bindings

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

func okAPI(t *testing.T) *fakeAPI {
	return newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, map[string]any{"id": "m1", "state": "started"})
	})
}

// Every kind of bad argument gives the contract's message.
func TestBadArguments(t *testing.T) {
	api := okAPI(t)
	cases := []struct{ src, want string }{
		{`fly.machines.get()`, `bad argument #1 to 'fly.machines.get' (string expected, got nil)`},
		{`fly.machines.get(42)`, `bad argument #1 to 'fly.machines.get' (string expected, got number)`},
		{`fly.machines.get("")`, `bad argument #1 to 'fly.machines.get' (non-empty string expected, got empty string)`},
		{`fly.machines.get("m1", "x")`, `bad argument #2 to 'fly.machines.get' (table expected, got string)`},
		{`fly.machines.create()`, `bad argument #1 to 'fly.machines.create' (fly.CreateMachineRequest expected, got nil)`},
		{`fly.machines.create("x")`, `bad argument #1 to 'fly.machines.create' (table expected, got string)`},
		{`fly.volumes.extend("v1", "10")`, `bad argument #2 to 'fly.volumes.extend' (integer expected, got string)`},
		{`fly.volumes.extend("v1", 1.5)`, `bad argument #2 to 'fly.volumes.extend' (integer expected, got number 1.5)`},
		{`fly.machines.signal("m1", "SIGTREM")`, `bad argument #2 to 'fly.machines.signal' (expected one of`},
		{`fly.machines.exec("m1", "ls")`, `bad argument #2 to 'fly.machines.exec' (array expected, got string)`},
		{`fly.machines.wait("m1", 5)`, `bad argument #2 to 'fly.machines.wait' (string expected, got number)`},
		{`fly.machines.wait("m1", "stoped")`, `(did you mean "stopped"?)`},
		{`fly.leases.with("m1", {})`, `bad argument #3 to 'fly.leases.with' (function expected, got nil)`},
		{`fly.leases.with(nil, function() end)`, `<string>:1: bad argument #1 to 'fly.leases.with' (string expected, got nil)`},
		{`fly.secrets.set(1)`, `bad argument #1 to 'fly.secrets.set' (string or table expected, got number)`},
		{`fly.request("GET", "v1/apps")`, `bad argument #2 to 'fly.request' (path expected, starting with "/")`},
		// strict tables
		{`fly.machines.create{config = {imagee = "x"}}`, `fly.machines.create: config.imagee: unknown field (did you mean "image"?)`},
		{`fly.machines.create{config = {guest = {cpus = "1"}}}`, `fly.machines.create: config.guest.cpus: expected integer, got string`},
		{`fly.machines.create{config = {guest = {cpus = 1.5}}}`, `fly.machines.create: config.guest.cpus: expected integer, got number 1.5`},
		{`fly.machines.create{config = {guest = {cpus = 2^53 + 2}}}`, `fly.machines.create: config.guest.cpus: expected integer, got number 9.007199254740994e+15 (out of range: integers are exact only up to 2^53)`},
		{`fly.machines.create{config = {guest = {cpus = -2^63}}}`, `fly.machines.create: config.guest.cpus: expected integer, got number -9.223372036854776e+18 (out of range`},
		{`fly.machines.set_memory_limit("m1", 2^63)`, `bad argument #2 to 'fly.machines.set_memory_limit' (limit_mb: expected integer, got number 9.223372036854776e+18 (out of range`},
		{`fly.machines.list{limit = 2^60}`, `fly.machines.list: limit: expected integer, got number 1.152921504606847e+18 (out of range`},
		{`fly.machines.create{config = {services = {{ports = {{port = "80"}}}}}}`, `fly.machines.create: config.services[1].ports[1].port: expected integer, got string`},
		{`fly.machines.create{config = {env = {A = 1}}}`, `fly.machines.create: config.env.A: expected string, got number`},
		{`fly.machines.create{config = {restart = {policy = "sometimes"}}}`, `fly.machines.create: config.restart.policy: expected one of "no", "always", "on-failure", got "sometimes"`},
		{`fly.machines.create{config = {mounts = {volume = "x"}}}`, `fly.machines.create: config.mounts: expected array, got table with key "volume"`},
		{`fly.machines.create{config = {{image = "x"}}}`, `fly.machines.create: config: expected table with named fields, got an array`},
		{`fly.machines.create{regoin = "ord"}`, `fly.machines.create: regoin: unknown field (did you mean "region"?)`},
		{`fly.machines.create{zzz = 1}`, `fly.machines.create: zzz: unknown field`},
		{`fly.machines.list{stat = "started"}`, `fly.machines.list: stat: unknown field (did you mean "state"?)`},
		{`fly.machines.list{limit = "10"}`, `fly.machines.list: limit: expected integer, got string`},
		{`fly.machines.list{include_deleted = 1}`, `fly.machines.list: include_deleted: expected boolean, got number`},
		{`fly.machines.wait("m1", "started", {timeout = "soon"})`, `fly.machines.wait: timeout:`},
		{`fly.machines.stop("m1", {signal = "SIGKILL", timeout = {}})`, `fly.machines.stop: timeout:`},
		{`fly.machines.list{[1] = "x"}`, `fly.machines.list: options must have string keys`},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			L, _ := newVM(t, api.srv.URL, "web")
			got := runErr(L, c.src)
			assert.Contains(t, got, c.want)
			assert.NotContains(t, got, testToken)
		})
	}
}

// Argument errors are Lua strings with the caller's position; API and table
// errors are values that pcall returns as tables.
func TestErrorForms(t *testing.T) {
	api := okAPI(t)
	L, _ := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.machines.get)
		assert(not ok and type(err) == "string", "argument errors are strings")
		assert(err:find("^<string>:2: bad argument #1 to 'fly.machines.get'"), err)
		ok, err = pcall(fly.machines.create, {config = {imagee = "x"}})
		assert(type(err) == "table" and err.code == "invalid_argument" and err.op == "fly.machines.create", tostring(err))
		assert(err.status == nil and err.retryable == false)
		assert(err.message == 'config.imagee: unknown field (did you mean "image"?)', err.message)
	`))
}

// With no app selected app-scoped functions raise the contract's message.
func TestNoAppSelected(t *testing.T) {
	api := okAPI(t)
	L, f := newVM(t, api.srv.URL, "")
	for _, src := range []string{`fly.machines.list()`, `fly.volumes.get("v")`, `fly.secrets.set("A", "b")`,
		`fly.leases.with("m1", function() end)`, `fly.app()`} {
		got := runErr(L, src)
		assert.Contains(t, got, noAppMessage, src)
	}
	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.machines.list)
		assert(err.code == "invalid_argument" and err.hint:find("fly.use"), tostring(err))
		assert(err.message == 'no app selected (hint: pass --app, set FLY_APP_NAME or call fly.use("name"))')
	`))
	assert.Empty(t, api.requests(), "no request without an app")

	// fly.use sets the default; handles are bound to their app.
	require.NoError(t, L.DoString(`
		local h = fly.use("web")
		assert(h.name == "web")
		fly.machines.get("m1")
		fly.app("api").machines.get("m2")
		fly.machines.get("m3")
	`))
	assert.Equal(t, "web", f.App())
	var paths []string
	for _, r := range api.requests() {
		paths = append(paths, r.Path)
	}
	assert.Equal(t, []string{"/v1/apps/web/machines/m1", "/v1/apps/api/machines/m2", "/v1/apps/web/machines/m3"}, paths)
}

// API failures become error values built from *client.Error.
func TestErrorValues(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("fly-request-id", "01JREQUEST")
		switch {
		case strings.HasSuffix(r.URL.Path, "/start"):
			writeJSON(w, 412, map[string]any{"error": "failed_precondition: machine getting replaced, refusing to start"})
		case strings.HasSuffix(r.URL.Path, "/machines"):
			writeJSON(w, 422, map[string]any{"error": "no capacity in ord", "status": "insufficient_capacity"})
		default:
			writeJSON(w, 404, map[string]any{"error": "machine not found"})
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	assert.Equal(t, "fly.machines.start: 412 failed_precondition: machine getting replaced, refusing to start (request 01JREQUEST)",
		runErr(L, `fly.machines.start("m1")`))
	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.machines.create, {region = "ord"})
		assert(not ok)
		assert(err.op == "fly.machines.create", err.op)
		assert(err.status == 422, tostring(err.status))
		assert(err.code == "insufficient_capacity", err.code)
		assert(err.message == "no capacity in ord", err.message)
		assert(err.request_id == "01JREQUEST")
		assert(err.hint:find("another region"), err.hint)
		assert(err.retryable == false)
		assert(tostring(err) == "fly.machines.create: 422 insufficient_capacity: no capacity in ord (request 01JREQUEST)", tostring(err))
		ok, err = pcall(fly.machines.get, "nope")
		assert(err.code == "not_found" and err.status == 404, tostring(err))
	`))
}

// Network failures: no status, code network, retryable; the token never shows.
func TestNetworkError(t *testing.T) {
	api := okAPI(t)
	api.srv.Close()
	L, _ := newVM(t, api.srv.URL, "web")
	got := runErr(L, `fly.machines.get("m1")`)
	assert.True(t, strings.HasPrefix(got, "fly.machines.get: network: "), got)
	assert.NotContains(t, got, testToken)
	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.machines.get, "m1")
		assert(err.status == nil and err.code == "network" and err.retryable == true, tostring(err))
	`))
}

// Lua -> JSON: whole numbers stay whole, an empty table is [] or {} by the
// field's schema, json.null passes through.
func TestEncoding(t *testing.T) {
	api := okAPI(t)
	L, _ := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`fly.machines.create{
		region = "ord", skip_launch = true,
		config = { image = "nginx", guest = { cpus = 2, memory_mb = 1024, cpu_kind = "shared" },
		           env = {}, mounts = {}, services = {}, metadata = {}, init = { cmd = {} },
		           stop_config = { timeout = "5s" } },
	}`))
	assert.Equal(t, `{"config":{"env":{},"guest":{"cpu_kind":"shared","cpus":2,"memory_mb":1024},"image":"nginx","init":{"cmd":[]},"metadata":{},"mounts":[],"services":[],"stop_config":{"timeout":"5s"}},"region":"ord","skip_launch":true}`,
		api.last().Body)

	require.NoError(t, L.DoString(`fly.metadata.set("m1", {role = "db", old = json.null})`))
	last := api.last()
	assert.Equal(t, "PATCH", last.Method)
	assert.Equal(t, `{"metadata":{"old":null,"role":"db"}}`, last.Body)

	require.NoError(t, L.DoString(`fly.request("POST", "/v1/custom", {n = 3, f = 1.5, list = {1, 2}, empty = {}, arr = json.decode("[]")})`))
	assert.Equal(t, `{"arr":[],"empty":{},"f":1.5,"list":[1,2],"n":3}`, api.last().Body)

	// Whole numbers are written with their digits: 2^53 (the last exact
	// integer) in an integer field, any whole number of the int64 range in a
	// free-form body; past that range a whole number keeps the float form.
	require.NoError(t, L.DoString(`fly.machines.set_memory_limit("m1", 2^53)`))
	assert.Equal(t, `{"limit_mb":9007199254740992}`, api.last().Body)
	require.NoError(t, L.DoString(`fly.request("POST", "/v1/custom", {a = 1e18, b = -2^62, c = 2^63, d = 1e15 + 0.5})`))
	assert.Equal(t, `{"a":1000000000000000000,"b":-4611686018427387904,"c":9.223372036854776e+18,"d":1.0000000000000005e+15}`, api.last().Body)

	require.NoError(t, L.DoString(`fly.secretkeys.encrypt("k", {plaintext = {104, 105}})`))
	assert.Equal(t, `{"plaintext":[104,105]}`, api.last().Body)
}

// Options become query parameters, body fields or the nonce header.
func TestOptionsRouting(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if strings.HasSuffix(r.URL.Path, "/machines") && r.Method == "GET" {
			writeJSON(w, 200, []any{})
			return
		}
		if r.URL.Path == "/v1/apps" {
			writeJSON(w, 200, map[string]any{"apps": []any{}})
			return
		}
		w.WriteHeader(200)
	})
	L, _ := newVM(t, api.srv.URL, "web")
	cases := []struct{ src, method, path, query, body, nonce string }{
		{`fly.machines.list{state = "started", metadata = {role = "db"}, include_deleted = true}`, "GET", "/v1/apps/web/machines",
			"include_deleted=true&metadata.role=db&state=started", "", ""},
		{`fly.machines.stop("m1", {signal = "SIGTERM", timeout = 90, nonce = "n1"})`, "POST", "/v1/apps/web/machines/m1/stop",
			"", `{"signal":"SIGTERM","timeout":"1m30s"}`, "n1"},
		{`fly.machines.stop("m1")`, "POST", "/v1/apps/web/machines/m1/stop", "", `{}`, ""},
		{`fly.machines.restart("m1", {timeout = "30s", signal = "SIGINT"})`, "POST", "/v1/apps/web/machines/m1/restart",
			"signal=SIGINT&timeout=30s", "", ""},
		{`fly.machines.destroy("m1", {force = true})`, "DELETE", "/v1/apps/web/machines/m1", "force=true", "", ""},
		{`fly.machines.exec("m1", {"ls", "-l"}, {timeout = "1m"})`, "POST", "/v1/apps/web/machines/m1/exec", "",
			`{"command":["ls","-l"],"timeout":60}`, ""},
		{`fly.leases.acquire("m1", {ttl = "2m", description = "deploy"})`, "POST", "/v1/apps/web/machines/m1/lease", "",
			`{"description":"deploy","ttl":120}`, ""},
		{`fly.leases.release("m1", "n9")`, "DELETE", "/v1/apps/web/machines/m1/lease", "", "", "n9"},
		{`fly.apps.list()`, "GET", "/v1/apps", "org_slug=personal", "", ""},
		{`fly.apps.list{org_slug = "acme", limit = 5}`, "GET", "/v1/apps", "limit=5&org_slug=acme", "", ""},
		{`fly.apps.destroy("old", {force = true})`, "DELETE", "/v1/apps/old", "force=true", "", ""},
		{`fly.machines.set_memory_limit("m1", 512)`, "PUT", "/v1/apps/web/machines/m1/memory", "", `{"limit_mb":512}`, ""},
		{`fly.secrets.set("A", "b")`, "POST", "/v1/apps/web/secrets/A", "", `{"value":"b"}`, ""},
		{`fly.secrets.set{A = "1", B = "2"}`, "POST", "/v1/apps/web/secrets", "", `{"values":{"A":"1","B":"2"}}`, ""},
		{`fly.metadata.set("m1", "role", "db")`, "POST", "/v1/apps/web/machines/m1/metadata/role", "", `{"value":"db"}`, ""},
		{`fly.postgres.queries.active("pg1", "app")`, "GET", "/v1/postgres/pg1/queries/active", "database=app", "", ""},
		{`fly.request("GET", "/v1/anything?x=1", nil, {query = {y = 2, z = {"a", "b"}}})`, "GET", "/v1/anything", "x=1&y=2&z=a&z=b", "", ""},
	}
	for _, c := range cases {
		require.Equal(t, "", runErr(L, c.src), c.src)
		got := api.last()
		assert.Equal(t, c.method, got.Method, c.src)
		assert.Equal(t, c.path, got.Path, c.src)
		assert.Equal(t, c.query, got.Query, c.src)
		assert.Equal(t, c.body, got.Body, c.src)
		assert.Equal(t, c.nonce, got.Nonce, c.src)
	}
}

// Collections: envelopes unwrapped, every page followed unless opts.limit.
func TestPagination(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		cursor := r.URL.Query().Get("cursor")
		page, _ := strconv.Atoi(cursor)
		switch r.URL.Path {
		case "/v1/apps/web/machines":
			if page < 2 {
				w.Header().Set("fly-next-cursor", strconv.Itoa(page+1))
			}
			writeJSON(w, 200, []any{map[string]any{"id": fmt.Sprintf("m%d", page), "state": "started"}})
		case "/v1/apps":
			resp := map[string]any{"apps": []any{map[string]any{"name": fmt.Sprintf("a%d", page), "organization": map[string]any{"slug": "personal"}, "status": "deployed"}}}
			if page < 3 {
				resp["next_cursor"] = strconv.Itoa(page + 1)
			}
			writeJSON(w, 200, resp)
		case "/v1/apps/web/secrets":
			writeJSON(w, 200, map[string]any{"secrets": []any{map[string]any{"name": "A", "digest": "d1"}}})
		case "/v1/apps/web/volumes":
			writeJSON(w, 200, []any{})
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	assert.Equal(t, "3 <machine m0 started> <machine m2 started>", evalString(t, L, `(function() local l = fly.machines.list(); return #l .. " " .. tostring(l[1]) .. " " .. tostring(l[3]) end)()`))
	assert.Equal(t, "1", evalString(t, L, `#fly.machines.list{limit = 1}`))
	assert.Equal(t, "limit=1", api.last().Query)
	assert.Equal(t, "4 <app a3 personal deployed>", evalString(t, L, `(function() local l = fly.apps.list(); return #l .. " " .. tostring(l[4]) end)()`))
	assert.Equal(t, "1 <secret A d1>", evalString(t, L, `(function() local l = fly.secrets.list(); return #l .. " " .. tostring(l[1]) end)()`))
	assert.Equal(t, "[]", evalString(t, L, `json.encode(fly.volumes.list())`))
}

// JSON -> Lua: plain tables, null and absent are nil, records print in one line.
func TestDecoding(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/extend"):
			writeJSON(w, 200, map[string]any{"needs_restart": true, "volume": map[string]any{"id": "vol_1", "name": "data", "region": "ord", "size_gb": 20, "state": "created"}})
		case strings.HasPrefix(r.URL.Path, "/v1/apps/web/machines/"):
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"3d8d9a1c5e6f87","name":"web","region":"ord","state":"started","private_ip":null,
				"config":{"guest":{"cpus":1},"env":{"A":"x\u00e9\n"}},"events":[{"type":"start","timestamp":1700000000000}]}`))
		case r.URL.Path == "/v1/apps/web":
			writeJSON(w, 200, map[string]any{"name": "web", "organization": map[string]any{"slug": "personal"}, "status": "deployed"})
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`
		local m = fly.machines.get("3d8d9a1c5e6f87")
		assert(tostring(m) == "<machine 3d8d9a1c5e6f87 web ord started>", tostring(m))
		assert(m.private_ip == nil)
		assert(m.config.guest.cpus == 1 and math.type == nil)
		assert(m.config.env.A == "x\195\169\n")
		assert(#m.events == 1 and m.events[1].timestamp == 1700000000000)
		assert(getmetatable(m.config) == nil, "nested plain tables are plain")
		local n = 0
		for k in pairs(m) do n = n + 1 end
		assert(n == 6, n)
		assert(json.encode(m.config.guest) == '{"cpus":1}', json.encode(m.config.guest))
		local r = fly.volumes.extend("vol_1", 20)
		assert(r.needs_restart == true)
		assert(tostring(r.volume) == "<volume vol_1 data ord 20GB created>", tostring(r.volume))
		assert(tostring(fly.apps.get("web")) == "<app web personal deployed>")
		assert(getmetatable(fly.machines.get("x")) == getmetatable(fly.machines.get("y")), "one shared metatable")
	`))
}

// Byte fields: the API answers them as base64 (Go's []byte) and the
// document as arrays of integers; a script gets an array of integers either
// way, and may give a Lua string of bytes where the document wants one.
func TestByteFields(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/b64/sign"):
			_, _ = w.Write([]byte(`{"signature":"AQL/"}`))
		case strings.HasSuffix(r.URL.Path, "/ints/sign"):
			_, _ = w.Write([]byte(`{"signature":[1,2,255]}`))
		case strings.HasSuffix(r.URL.Path, "/odd/sign"):
			_, _ = w.Write([]byte(`{"signature":"not base64!"}`))
		case strings.HasSuffix(r.URL.Path, "/k"):
			_, _ = w.Write([]byte(`{"name":"k","type":"nacl_sign","public_key":"AAEC"}`))
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`
		for _, name in ipairs({"b64", "ints"}) do
			local sig = fly.secretkeys.sign(name, {plaintext = "hi"}).signature
			assert(type(sig) == "table" and #sig == 3 and sig[1] == 1 and sig[2] == 2 and sig[3] == 255, name .. ": " .. json.encode(sig))
			assert(json.encode(sig) == "[1,2,255]", json.encode(sig))
		end
		assert(fly.secretkeys.sign("odd", {plaintext = "hi"}).signature == "not base64!", "not base64: left as the string")
		local k = fly.secretkeys.get("k")
		assert(json.encode(k.public_key) == "[0,1,2]", json.encode(k.public_key))
	`))
	assert.Equal(t, `{"plaintext":[104,105]}`, api.requests()[0].Body)
	require.NoError(t, L.DoString(`fly.secretkeys.verify("ints", {plaintext = "\0\255", signature = {1, 2}})`))
	assert.Equal(t, `{"plaintext":[0,255],"signature":[1,2]}`, api.last().Body)
	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.secretkeys.sign, "ints", {plaintext = true})
		assert(not ok and tostring(err):find("plaintext: expected array, got boolean", 1, true), tostring(err))
	`))
}

// fly.apps.exists: 404 is false; other failures raise.
func TestAppsExists(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/v1/apps/yes":
			writeJSON(w, 200, map[string]any{"name": "yes"})
		case "/v1/apps/no":
			writeJSON(w, 404, map[string]any{"error": "app not found"})
		default:
			writeJSON(w, 403, map[string]any{"error": "forbidden"})
		}
	})
	L, _ := newVM(t, api.srv.URL, "")
	assert.Equal(t, "true false", evalString(t, L, `tostring(fly.apps.exists("yes")) .. " " .. tostring(fly.apps.exists("no"))`))
	assert.Contains(t, runErr(L, `fly.apps.exists("other")`), "fly.apps.exists: 403")
}

// Metadata: one key's value, nil when unset.
func TestMetadataGet(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		switch r.URL.Path {
		case "/v1/apps/web/machines/m1/metadata":
			writeJSON(w, 200, map[string]string{"role": "db"})
		case "/v1/apps/web/machines/m1/metadata/role":
			writeJSON(w, 200, map[string]string{"value": "db"})
		case "/v1/apps/web/machines/gone/metadata/role":
			writeJSON(w, 404, map[string]string{"error": "machine not found"})
		default:
			writeJSON(w, 404, map[string]string{"error": "metadata key not found"})
		}
	})
	L, _ := newVM(t, api.srv.URL, "web")
	assert.Equal(t, "db db nil", evalString(t, L, `fly.metadata.get("m1").role .. " " .. fly.metadata.get("m1", "role") .. " " .. tostring(fly.metadata.get("m1", "other"))`))
	assert.Contains(t, runErr(L, `fly.metadata.get("gone", "role")`), "404 not_found: machine not found")
}

// fly.machines.wait loops past the server's cap and maps 404 to destroyed.
func TestWaitLoops(t *testing.T) {
	calls := 0
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		calls++
		if r.URL.Path == "/v1/apps/web/machines/gone/wait" {
			writeJSON(w, 404, map[string]any{"error": "machine not found"})
			return
		}
		if calls < 3 {
			writeJSON(w, 408, map[string]any{"error": "deadline_exceeded: machine failed to reach desired state"})
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true, "state": "stopped", "event_id": "e1"})
	})
	L, _ := newVM(t, api.srv.URL, "web", client.WithClock(&stepClock{now: time.Unix(1e9, 0)}))
	assert.Equal(t, "stopped", evalString(t, L, `fly.machines.wait("m1", {"stopped", "suspended"}, {timeout = "5m"}).state`))
	assert.Equal(t, 3, calls)
	assert.Equal(t, "state=stopped&state=suspended&state=failed&state=destroyed&timeout=60", api.last().Query, "the terminal states are asked for too")
	assert.Equal(t, "destroyed", evalString(t, L, `fly.machines.wait("gone", "destroyed").state`))
	require.Equal(t, "", runErr(L, `fly.machines.wait("m1", {timeout = 5, version = "v1"})`))
	assert.Equal(t, "state=started&state=failed&timeout=5&version=v1", api.last().Query, "an old version counts as destroyed: not asked for")
}

// leases.with: acquire, fn, release; the nonce rides on mutations; the
// lease is released when fn fails and fn's error is raised.
func TestLeasesWith(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		if strings.HasSuffix(r.URL.Path, "/lease") && r.Method == "POST" {
			writeJSON(w, 201, map[string]any{"status": "success", "data": map[string]any{"nonce": "nonce-1", "owner": "me", "expires_at": 1}})
			return
		}
		writeJSON(w, 200, map[string]any{"id": "m1"})
	})
	L, f := newVM(t, api.srv.URL, "web")
	require.NoError(t, L.DoString(`
		local a, b = fly.leases.with("m1", {ttl = 60}, function(lease)
			assert(lease.nonce == "nonce-1")
			fly.machines.update("m1", {config = {image = "x"}})
			fly.machines.stop("m2")
			return 1, 2
		end)
		assert(a == 1 and b == 2)
	`))
	reqs := api.requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "POST /v1/apps/web/machines/m1/lease {\"description\":\"flyscript\",\"ttl\":60}", reqs[0].Method+" "+reqs[0].Path+" "+reqs[0].Body)
	assert.Equal(t, "nonce-1", reqs[1].Nonce, "update inside with carries the nonce")
	assert.Equal(t, "", reqs[2].Nonce, "another machine does not")
	assert.Equal(t, "DELETE /v1/apps/web/machines/m1/lease nonce-1", reqs[3].Method+" "+reqs[3].Path+" "+reqs[3].Nonce)
	assert.Empty(t, f.leases)
	assert.Empty(t, f.keepers)

	require.NoError(t, L.DoString(`
		local ok, err = pcall(fly.leases.with, "m1", function() error({code = "mine"}) end)
		assert(not ok and err.code == "mine", "fn's error is re-raised as it is")
		ok, err = pcall(fly.leases.with, "m1", function() fly.machines.create{bad = 1} end)
		assert(err.op == "fly.machines.create", tostring(err))
		fly.machines.start("m1")
	`))
	reqs = api.requests()
	assert.Equal(t, "DELETE", reqs[5].Method, "released after a failing fn")
	assert.Equal(t, "DELETE", reqs[len(reqs)-2].Method, "released after a failing call")
	assert.Equal(t, "", reqs[len(reqs)-1].Nonce, "no nonce after with")
	assert.Empty(t, f.leases)
}

// The lease is refreshed while fn runs.
func TestLeasesWithRefreshes(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 201, map[string]any{"status": "success", "data": map[string]any{"nonce": "n1"}})
	})
	L, f := newVM(t, api.srv.URL, "web")
	ticks := make(chan time.Time)
	var every time.Duration
	f.ticker = func(d time.Duration) (<-chan time.Time, func()) { every = d; return ticks, func() {} }
	L.SetGlobal("tick", L.NewFunction(func(L *lua.LState) int {
		before := len(api.requests())
		ticks <- time.Now()
		require.Eventually(t, func() bool { return len(api.requests()) > before }, 5*time.Second, time.Millisecond)
		return 0
	}))
	require.NoError(t, L.DoString(`fly.leases.with("m1", {ttl = "20s"}, function() tick(); tick() end)`))
	assert.Equal(t, 10*time.Second, every)
	reqs := api.requests()
	require.Len(t, reqs, 4)
	for _, r := range reqs[1:3] {
		assert.Equal(t, "POST n1 {\"ttl\":20}", r.Method+" "+r.Nonce+" "+r.Body)
	}
	assert.Equal(t, "DELETE", reqs[3].Method)
}

// Cancelling the state's context aborts the request in flight.
func TestCancellationAbortsCall(t *testing.T) {
	started := make(chan struct{})
	release := make(chan struct{})
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		close(started)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	L, _ := newVM(t, api.srv.URL, "web")
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() {
		<-started
		cancel()
	}()
	begin := time.Now()
	got := runErr(L, `fly.machines.get("m1")`)
	assert.Less(t, time.Since(begin), 5*time.Second)
	assert.Contains(t, got, "canceled")
}

// Cancelling the context aborts a call that the simulator is slow to answer.
func TestCancellationWithSlowSimulator(t *testing.T) {
	clk := sim.NewFakeClock(time.Unix(1e9, 0))
	srv := startSim(t, sim.WithClock(clk), sim.WithLatency(time.Hour, 0))
	L, _ := newVM(t, srv.URL, "slow")
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() {
		clk.BlockUntil(1) // the request is in flight, held by the latency
		cancel()
	}()
	got := runErr(L, `fly.apps.get("slow")`)
	assert.Equal(t, "fly.apps.get: canceled", got)
}
