package plan

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/sim"
)

// production is a simulator standing in for the real API: it keeps its
// state in a file (to compare byte for byte) and records every request.
type production struct {
	t     *testing.T
	srv   *httptest.Server
	sim   *sim.Server
	state string

	mu   sync.Mutex
	seen []string // "GET /v1/apps/web"
}

func newProduction(t *testing.T) *production {
	p := &production{t: t, state: filepath.Join(t.TempDir(), "state.json")}
	p.sim = sim.New(sim.WithTimings(sim.InstantTimings()), sim.WithStateFile(p.state))
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		p.sim.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { p.srv.Close(); p.sim.Close() })
	return p
}

// do is a request straight to production (the fleet's set-up).
func (p *production) do(method, path string, body any) map[string]any {
	p.t.Helper()
	code, out := send(p.t, http.DefaultClient, p.srv.URL, method, path, body)
	require.True(p.t, code < 300, "%s %s: %d %v", method, path, code, out)
	return out
}

// snapshot forgets the set-up's requests and returns the simulator's whole
// state as a state file holds it (the state file itself holds only what was
// folded into it; its journal the rest).
func (p *production) snapshot() []byte {
	p.mu.Lock()
	p.seen = nil
	p.mu.Unlock()
	return p.saved()
}

// saved is the simulator's whole state, written by SaveState.
func (p *production) saved() []byte {
	p.t.Helper()
	path := filepath.Join(p.t.TempDir(), "saved.json")
	require.NoError(p.t, p.sim.Control().SaveState(path))
	b, err := os.ReadFile(path)
	require.NoError(p.t, err)
	return b
}

func (p *production) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string{}, p.seen...)
}

func send(t *testing.T, hc *http.Client, base, method, path string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer secret-token")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(b) > 0 && b[0] == '{' {
		require.NoError(t, json.Unmarshal(b, &out), "%s", b)
	} else if len(b) > 0 && b[0] == '[' {
		var list []any
		require.NoError(t, json.Unmarshal(b, &list), "%s", b)
		out = map[string]any{"list": list}
	}
	return resp.StatusCode, out
}

// fleet sets up app web with two started machines, one of them under a
// lease someone else holds, and returns their ids.
func fleet(p *production) (free, leased string) {
	p.do("POST", "/v1/apps", map[string]any{"app_name": "web", "org_slug": "personal"})
	free = p.do("POST", "/v1/apps/web/machines", map[string]any{"name": "web-1", "region": "ord",
		"config": map[string]any{"image": "nginx:1.27", "guest": map[string]any{"cpus": 1, "memory_mb": 256, "cpu_kind": "shared"}}})["id"].(string)
	leased = p.do("POST", "/v1/apps/web/machines", map[string]any{"name": "web-2", "region": "ord",
		"config": map[string]any{"image": "nginx:1.27"}})["id"].(string)
	p.do("POST", "/v1/apps/web/machines/"+leased+"/lease", map[string]any{"ttl": 3600, "description": "someone's deploy"})
	return free, leased
}

func newOverlay(t *testing.T, p *production) (*Overlay, *http.Client) {
	o, err := New(p.srv.URL, nil)
	require.NoError(t, err)
	t.Cleanup(o.Close)
	return o, &http.Client{Transport: o}
}

func onlyReads(t *testing.T, reqs []string) {
	t.Helper()
	require.NotEmpty(t, reqs, "the overlay read nothing from production")
	for _, r := range reqs {
		assert.True(t, strings.HasPrefix(r, "GET "), "production received %s", r)
	}
}

func TestChangesGoToTheShadowOnly(t *testing.T) {
	p := newProduction(t)
	free, leased := fleet(p)
	before := p.snapshot()
	o, hc := newOverlay(t, p)
	base := p.srv.URL

	code, m := send(t, hc, base, "GET", "/v1/apps/web/machines/"+free, nil)
	require.Equal(t, 200, code)
	cfg := m["config"].(map[string]any)
	cfg["image"] = "nginx:1.28"
	cfg["guest"].(map[string]any)["memory_mb"] = 1024
	code, m = send(t, hc, base, "POST", "/v1/apps/web/machines/"+free, map[string]any{"config": cfg})
	require.Equal(t, 200, code, "%v", m)
	// The script sees its own change.
	_, m = send(t, hc, base, "GET", "/v1/apps/web/machines/"+free, nil)
	assert.Equal(t, "nginx:1.28", m["config"].(map[string]any)["image"])
	// The lease someone else holds in production is a 409 in the plan.
	code, m = send(t, hc, base, "POST", "/v1/apps/web/machines/"+leased+"/stop", nil)
	assert.Equal(t, 409, code, "%v", m)
	code, _ = send(t, hc, base, "POST", "/v1/apps/web/machines/"+free+"/stop", nil)
	assert.Equal(t, 200, code)
	code, m = send(t, hc, base, "POST", "/v1/apps/web/machines", map[string]any{"name": "web-3", "config": map[string]any{"image": "nginx:1.28"}})
	require.Equal(t, 200, code, "%v", m)
	code, _ = send(t, hc, base, "POST", "/v1/apps/web/secrets/TOKEN", map[string]any{"value": "s3cr3t-value"})
	assert.Equal(t, 201, code)
	code, _ = send(t, hc, base, "POST", "/v1/apps/web/volumes", map[string]any{"name": "data", "region": "ord", "size_gb": 1})
	assert.Equal(t, 200, code)

	onlyReads(t, p.requests())
	assert.Equal(t, string(before), string(p.saved()), "production's state changed")

	plan := o.Plan()
	var ops []string
	for _, c := range plan.Changes {
		ops = append(ops, c.Op)
	}
	assert.Equal(t, []string{"Machines_update", "Machines_stop", "Machines_create", "Secret_create", "Volumes_create"}, ops)
	up := plan.Changes[0]
	assert.Equal(t, free, up.Resource)
	assert.Equal(t, "web-1", up.Name)
	assert.Equal(t, "/v1/apps/web/machines/"+free, up.Path)
	assert.Equal(t, []string{"guest.memory_mb: 256 -> 1024", "image: nginx:1.27 -> nginx:1.28"}, diffLines(up.Diff))
	assert.Contains(t, plan.Changes[1].Summary, "started -> stopped")
	assert.Equal(t, "web-3", plan.Changes[2].Name)
	assert.Equal(t, "Plan: 1 update, 1 stop, 2 creates, 1 secrets change.", plan.Summary())
	js, err := json.Marshal(plan)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "s3cr3t-value")
	assert.NotContains(t, string(js), "secret-token")
}

func TestReadsHitProductionOncePerResource(t *testing.T) {
	p := newProduction(t)
	free, _ := fleet(p)
	p.snapshot()
	_, hc := newOverlay(t, p)
	for range 3 {
		code, _ := send(t, hc, p.srv.URL, "GET", "/v1/apps/web/machines", nil)
		require.Equal(t, 200, code)
		code, _ = send(t, hc, p.srv.URL, "GET", "/v1/apps/web/machines/"+free, nil)
		require.Equal(t, 200, code)
	}
	assert.Equal(t, []string{"GET /v1/apps/web", "GET /v1/apps/web/machines"}, p.requests())
}

func TestRefusedOperationsAreNeverSent(t *testing.T) {
	p := newProduction(t)
	free, _ := fleet(p)
	p.snapshot()
	_, hc := newOverlay(t, p)
	for _, tc := range []struct{ method, path, want string }{
		{"POST", "/v1/apps/web/machines/" + free + "/exec", "Machines_exec"},
		{"POST", "/v1/apps/web/deploy_token", "App_create_deploy_token"},
		{"POST", "/v1/postgres", "Postgres_create"},
		{"POST", "/v1/apps/web/secretkeys/k/generate", "Secretkey_generate"},
		{"POST", "/v1/made/up", "POST /v1/made/up is not an operation"},
		{"GET", "/v1/apps/web/secrets?show_secrets=true", "secret values are never read"},
	} {
		code, out := send(t, hc, p.srv.URL, tc.method, tc.path, map[string]any{})
		assert.Equal(t, 501, code, tc.path)
		assert.Equal(t, "not_planned", out["status"], tc.path)
		assert.Contains(t, out["error"], tc.want)
	}
	for _, r := range p.requests() {
		assert.NotContains(t, r, "exec")
		assert.True(t, strings.HasPrefix(r, "GET "), r)
	}
}

func TestWaitsAnswerAtOnce(t *testing.T) {
	p := newProduction(t)
	free, _ := fleet(p)
	_, hc := newOverlay(t, p)
	base := p.srv.URL + "/v1/apps/web/machines/" + free
	code, _ := send(t, hc, base, "POST", "/stop", nil)
	require.Equal(t, 200, code)
	code, out := send(t, hc, base, "GET", "/wait?state=stopped&timeout=60", nil)
	assert.Equal(t, 200, code, "%v", out)
	assert.Equal(t, "stopped", out["state"])
	// Nothing moves it to started: production would time out, the plan says
	// so at once with the same code.
	code, out = send(t, hc, base, "GET", "/wait?state=started&timeout=60", nil)
	assert.Equal(t, 412, code)
	assert.Equal(t, "timeout", out["status"])
	assert.Contains(t, out["error"], "is stopped in the plan")
}

func TestUpstreamFailuresReachTheScript(t *testing.T) {
	p := newProduction(t)
	fleet(p)
	o, err := New(p.srv.URL, nil)
	require.NoError(t, err)
	defer o.Close()
	hc := &http.Client{Transport: o}
	req, _ := http.NewRequest("GET", p.srv.URL+"/v1/apps/web/machines", nil) // no token
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode)
	// An app production does not have is a 404 in the plan, and can be
	// created there.
	code, _ := send(t, hc, p.srv.URL, "GET", "/v1/apps/nope/machines", nil)
	assert.Equal(t, 404, code)
	code, _ = send(t, hc, p.srv.URL, "POST", "/v1/apps", map[string]any{"app_name": "nope", "org_slug": "personal"})
	assert.Equal(t, 201, code)
	code, out := send(t, hc, p.srv.URL, "GET", "/v1/apps/nope/machines", nil)
	assert.Equal(t, 200, code)
	assert.Empty(t, out["list"])

	_, err = New("not a url", nil)
	assert.ErrorContains(t, err, "invalid API URL")
}

func TestPlanJSONIsStableAcrossRuns(t *testing.T) {
	p := newProduction(t)
	free, _ := fleet(p)
	run := func() []byte {
		o, hc := newOverlay(t, p)
		send(t, hc, p.srv.URL, "POST", "/v1/apps/web/machines", map[string]any{"config": map[string]any{"image": "nginx:1.28"}})
		send(t, hc, p.srv.URL, "POST", "/v1/apps/web/machines/"+free+"/stop", nil)
		b, err := json.MarshalIndent(o.Plan(), "", "  ")
		require.NoError(t, err)
		return b
	}
	first, second := run(), run()
	assert.Equal(t, string(first), string(second))
	assert.Contains(t, string(first), `"op": "Machines_create"`)
}

func TestDiff(t *testing.T) {
	before := map[string]any{"image": "a", "guest": map[string]any{"memory_mb": json.Number("256")}, "env": map[string]any{"OLD": "1"}, "services": []any{map[string]any{"port": 80}}}
	after := map[string]any{"image": "b", "guest": map[string]any{"memory_mb": 256.0}, "env": map[string]any{"NEW": "2"}, "services": []any{map[string]any{"port": 81}}}
	assert.Equal(t, []string{"env.NEW: (none) -> 2", "env.OLD: 1 -> (none)", "image: a -> b", "services[0].port: 80 -> 81"}, diffLines(diff(before, after)))
	assert.Nil(t, diff(before, before))
}

func TestAppListShowsProductionAndThePlan(t *testing.T) {
	p := newProduction(t)
	fleet(p)
	p.do("POST", "/v1/apps", map[string]any{"app_name": "api", "org_slug": "personal"})
	p.snapshot()
	o, hc := newOverlay(t, p)
	code, _ := send(t, hc, p.srv.URL, "POST", "/v1/apps", map[string]any{"app_name": "new", "org_slug": "personal"})
	require.Equal(t, 201, code)
	code, _ = send(t, hc, p.srv.URL, "DELETE", "/v1/apps/api", nil)
	require.Equal(t, 202, code)
	code, out := send(t, hc, p.srv.URL, "GET", "/v1/apps?org_slug=personal", nil)
	require.Equal(t, 200, code, "%v", out)
	var names []string
	for _, a := range out["apps"].([]any) {
		names = append(names, a.(map[string]any)["name"].(string))
	}
	assert.ElementsMatch(t, []string{"web", "new"}, names)
	onlyReads(t, p.requests())
	plan := o.Plan()
	require.Len(t, plan.Changes, 2)
	assert.Equal(t, "Apps_create", plan.Changes[0].Op)
	assert.Equal(t, "new", plan.Changes[0].App)
	assert.Equal(t, "Apps_delete", plan.Changes[1].Op)
	assert.Equal(t, "destroy app api", plan.Changes[1].Summary)
}

func TestBadUpstreamAnswersAreErrors(t *testing.T) {
	var posts int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != "GET" {
			posts++
		}
		switch r.URL.Path {
		case "/v1/apps/web":
			_, _ = w.Write([]byte(`{"name":"web","organization":{"slug":"personal"}}`))
		case "/v1/apps/web/machines":
			_, _ = w.Write([]byte(`[{"id": 12}]`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	o, err := New(srv.URL, nil)
	require.NoError(t, err)
	defer o.Close()
	hc := &http.Client{Transport: o}
	_, err = hc.Get(srv.URL + "/v1/apps/web/machines")
	assert.ErrorContains(t, err, "plan: unexpected answer to GET /v1/apps/web/machines")
	// Asking again gets the same answer: the client must not retry it as
	// a network error.
	var perm interface{ Permanent() bool }
	require.ErrorAs(t, err, &perm)
	assert.True(t, perm.Permanent())
	req, _ := http.NewRequest("POST", srv.URL+"/v1/apps/web/machines", strings.NewReader(`{"config":{"image":"x"}}`))
	_, err = hc.Do(req)
	assert.ErrorContains(t, err, "unexpected answer")
	huge := bytes.Repeat([]byte("x"), maxBody+1)
	req, _ = http.NewRequest("POST", srv.URL+"/v1/apps", bytes.NewReader(huge))
	_, err = hc.Do(req)
	assert.ErrorContains(t, err, "larger than")
	assert.Zero(t, posts)
	assert.Empty(t, o.Plan().Changes)
}

// TestNewMachineDoesNotHideAProductionOne: production here is a simulator
// with its default seed, as `flyscript sim` and --sim are. A machine the
// plan creates in another app before web's machines are read must not take
// the id of web's first machine: the shadow keys machines by id, and web-1
// was then missing from web's list in the plan.
func TestNewMachineDoesNotHideAProductionOne(t *testing.T) {
	p := newProduction(t)
	free, leased := fleet(p)
	p.snapshot()
	_, hc := newOverlay(t, p)
	code, _ := send(t, hc, p.srv.URL, "POST", "/v1/apps", map[string]any{"app_name": "other", "org_slug": "personal"})
	require.Equal(t, 201, code)
	code, out := send(t, hc, p.srv.URL, "POST", "/v1/apps/other/machines", map[string]any{"config": map[string]any{"image": "nginx"}})
	require.Equal(t, 200, code, "%v", out)
	assert.NotContains(t, []string{free, leased}, out["id"])
	code, out = send(t, hc, p.srv.URL, "GET", "/v1/apps/web/machines", nil)
	require.Equal(t, 200, code, "%v", out)
	var ids []string
	for _, m := range out["list"].([]any) {
		ids = append(ids, m.(map[string]any)["id"].(string))
	}
	assert.ElementsMatch(t, []string{free, leased}, ids)
	onlyReads(t, p.requests())
}
