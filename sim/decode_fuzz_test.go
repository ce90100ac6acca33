package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/openapi"
	"github.com/flyscript/flyscript/sim"
)

// fuzzFixture is a simulator holding one of most things, and the values
// that fill the path parameters of every operation.
type fuzzFixture struct {
	s      *sim.Server
	params map[string]string
}

// newFuzzFixture builds the fixture with ordinary requests; it fails the
// test if one of them is refused.
func newFuzzFixture(t testing.TB) *fuzzFixture {
	clock := sim.NewFakeClock(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC))
	f := &fuzzFixture{
		s: sim.New(sim.WithClock(clock), sim.WithTimings(sim.InstantTimings())),
		params: map[string]string{
			"app_name": "fz", "org_slug": "personal", "secret_name": "API_KEY",
			"hostname": "www.example.com", "key": "role", "database_name": "fly-db",
			"username": "postgres", "extension_name": "citext",
		},
	}
	t.Cleanup(f.s.Close)
	ok := func(method, path, body string) map[string]any {
		code, out := f.serve(context.Background(), method, path, []byte(body))
		if code >= 300 {
			t.Fatalf("fixture: %s %s: %d %s", method, path, code, out)
		}
		var m map[string]any
		_ = json.Unmarshal(out, &m)
		return m
	}
	ok("POST", "/v1/apps", `{"app_name":"fz","org_slug":"personal"}`)
	f.params["machine_id"] = ok("POST", "/v1/apps/fz/machines", `{"name":"m1","region":"ord","config":{"image":"nginx:1.27","metadata":{"role":"web"}}}`)["id"].(string)
	f.params["volume_id"] = ok("POST", "/v1/apps/fz/volumes", `{"name":"data","region":"ord","size_gb":1}`)["id"].(string)
	ok("POST", "/v1/apps/fz/secrets/API_KEY", `{"value":"v"}`)
	ok("POST", "/v1/apps/fz/secretkeys/sk/generate", `{"type":"xaes256gcm"}`)
	ok("POST", "/v1/apps/fz/certificates/acme", `{"hostname":"www.example.com"}`)
	f.params["ip"] = ok("POST", "/v1/apps/fz/ip_assignments", `{"type":"v6"}`)["ip"].(string)
	pg := ok("POST", "/v1/postgres", `{"org_slug":"personal","plan":"basic","region":"ord"}`)
	f.params["postgres_cluster_id"] = pg["data"].(map[string]any)["id"].(string)
	return f
}

// serve sends one request to the handler, bounded in time: a long poll
// (wait) ends when ctx does.
func (f *fuzzFixture) serve(ctx context.Context, method, target string, body []byte) (int, []byte) {
	r, err := http.NewRequestWithContext(ctx, method, "http://sim"+target, bytes.NewReader(body))
	if err != nil {
		return 0, []byte(err.Error())
	}
	r.RequestURI = target
	r.Header.Set("Authorization", "Bearer fuzz")
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	f.s.ServeHTTP(rec, r)
	return rec.Code, rec.Body.Bytes()
}

// target fills op's path with the fixture's values, or with the fuzzer's
// where it gives some (one per parameter, separated by '/').
func (f *fuzzFixture) target(path string, given string, query string) string {
	var vals []string
	if given != "" {
		vals = strings.Split(given, "/")
	}
	i := 0
	var b strings.Builder
	rest := path
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}') + open
		name := rest[open+1 : end]
		v := f.params[name]
		if i < len(vals) && vals[i] != "" {
			v = vals[i]
		}
		i++
		b.WriteString(rest[:open])
		b.WriteString(url.PathEscape(v))
		rest = rest[end+1:]
	}
	if query != "" {
		return b.String() + "?" + query
	}
	return b.String()
}

// FuzzSimRequestDecoding sends fuzzed path parameters, query strings and
// bodies to every operation of the document: the simulator answers a 2xx,
// 3xx or 4xx, never a 5xx, never a panic.
//
//	go test ./sim -run '^$' -fuzz FuzzSimRequestDecoding -fuzztime 5m
func FuzzSimRequestDecoding(f *testing.F) {
	ops, err := openapi.Operations()
	if err != nil {
		f.Fatal(err)
	}
	seeds := []struct {
		op                  int
		params, query, body string
	}{
		{0, "", "", ""},
		{0, "", "limit=-1&cursor=%ff", "{"},
		{0, "", "", `{"config":{"image":"x","guest":{"cpus":-1,"memory_mb":1e309}}}`},
		{0, "", "timeout=1e99&state=nope&instance_id=&from_event_id=x", "null"},
		{0, "../../x", "ttl=abc", `[]`},
		{0, "", "", `{"ttl":-5,"name":null,"region":7}`},
		{0, "%00/\xff", "force=maybe&kill=2", `{"metadata":{"a":{"b":[1,2,{"c":null}]}}}`},
		{0, "", "signal=99", `{"signal":"SIGKILL","timeout":"-1s"}`},
		{0, "", "", `{"size_gb":1e18,"snapshot_retention":-1}`},
		{0, "", "", `{"type":"hs256","value":[256,-1,1.5]}`},
		{0, "", "", `{"command":[],"cmd":"x","timeout":1e9}`},
		{0, "", "", `{"plaintext":"not bytes","ciphertext":[1]}`},
		{0, "", "", `{"count":-3,"region":",,,","org_slug":""}`},
		{0, "", "", `{"values":{"A":1,"B":null}}`},
		{0, "", "", `{"pitr_time":"yesterday","role":"root"}`},
		{0, "", "", `{"header":"FlyV1 ","access":{"action":"x"}}`},
		{0, "", "", "{\"a\":1}{\"b\":2}"},
	}
	for i, s := range seeds {
		// Spread the seeds over the operations.
		for j := 0; j < len(ops); j += len(seeds) {
			f.Add(uint8((i+j)%len(ops)), s.params, s.query, []byte(s.body))
		}
	}
	f.Fuzz(func(t *testing.T, opIndex uint8, params, query string, body []byte) {
		op := ops[int(opIndex)%len(ops)]
		fx := newFuzzFixture(t)
		if strings.ContainsFunc(query, func(r rune) bool { return r <= ' ' || r == '#' || r == 0x7f }) {
			return // not a request line a client can send
		}
		target := fx.target(op.Path, params, query)
		if _, err := url.ParseRequestURI(target); err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		var b []byte
		if len(body) > 0 {
			b = body
		}
		code, out := fx.serve(ctx, op.Method, target, b)
		if code >= 500 {
			t.Fatalf("%s %s with body %q: %d %s", op.Method, target, body, code, out)
		}
		// The simulator still answers afterwards.
		if code, out := fx.serve(context.Background(), "GET", "/v1/apps/fz", nil); code != http.StatusOK {
			t.Fatalf("after %s %s: GET /v1/apps/fz: %d %s", op.Method, target, code, out)
		}
	})
}

// TestFuzzFixtureCoversEveryPath checks that the fixture has a value for
// every path parameter of the document, so that the fuzzer reaches the
// handlers and not only the router.
func TestFuzzFixtureCoversEveryPath(t *testing.T) {
	ops, err := openapi.Operations()
	require.NoError(t, err)
	fx := newFuzzFixture(t)
	for _, op := range ops {
		target := fx.target(op.Path, "", "")
		assert.False(t, strings.ContainsAny(target, "{}") || strings.Contains(target, "//"), "%s %s: %s", op.Method, op.Path, target)
	}
	code, out := fx.serve(context.Background(), "GET", "/v1/apps/fz/machines/"+fx.params["machine_id"], nil)
	require.Equal(t, http.StatusOK, code, "%s", out)
}
