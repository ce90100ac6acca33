package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runSim starts `flyscript sim` with args and returns the base URL, the
// stderr buffer and a stop function that returns the exit code.
func runSim(t *testing.T, args ...string) (string, *syncBuffer, func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	code := make(chan int, 1)
	go func() {
		code <- simCommand(ctx, args, pw, stderr)
		_ = pw.Close()
	}()
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var url, export string
	select {
	case url = <-lines:
	case c := <-code:
		cancel()
		t.Fatalf("flyscript sim exited with %d: %s", c, stderr.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("flyscript sim printed nothing")
	}
	export = <-lines
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	assert.True(t, strings.HasPrefix(export, "export FLY_FLAPS_BASE_URL="+url+" FLY_API_TOKEN="), export)
	stopped := false
	stop := func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(10 * time.Second):
			t.Fatal("flyscript sim did not stop")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return url, stderr, stop
}

// simCall is one JSON request to the simulator.
func simCall(t *testing.T, method, url, token string, body any, nonce string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	if nonce != "" {
		req.Header.Set("fly-machine-lease-nonce", nonce)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.NotEmpty(t, resp.Header.Get("fly-request-id"))
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(bytes.TrimSpace(raw)) > 0 && raw[0] == '{' {
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
	}
	return resp.StatusCode, out
}

// TestSimCommandCycle serves a full create -> wait -> lease -> update ->
// stop -> destroy cycle over real HTTP, with the default timings, so the
// waits really long-poll.
func TestSimCommandCycle(t *testing.T) {
	base, stderr, stop := runSim(t, "--listen", "127.0.0.1:0", "--token", "tok123", "--rate-limits=off")
	assert.Contains(t, stderr.String(), "rate limits off")
	code, _ := simCall(t, "GET", base+"/v1/apps?org_slug=personal", "wrong", nil, "")
	assert.Equal(t, 401, code)

	api := base + "/v1/apps/web"
	code, _ = simCall(t, "POST", base+"/v1/apps", "tok123", map[string]any{"name": "web", "org_slug": "personal"}, "")
	require.Equal(t, 201, code)
	code, m := simCall(t, "POST", api+"/machines", "tok123", map[string]any{"config": map[string]any{"image": "nginx:1.27"}}, "")
	require.Equal(t, 200, code)
	id := m["id"].(string)
	mp := api + "/machines/" + id

	code, w := simCall(t, "GET", mp+"/wait?state=started&timeout=10", "tok123", nil, "")
	require.Equal(t, 200, code, "%v", w)
	assert.Equal(t, "started", w["state"])

	code, l := simCall(t, "POST", mp+"/lease?ttl=30", "tok123", nil, "")
	require.Equal(t, 201, code)
	nonce := l["data"].(map[string]any)["nonce"].(string)

	code, _ = simCall(t, "POST", mp, "tok123", map[string]any{"config": map[string]any{"image": "nginx:1.28"}}, "")
	assert.Equal(t, 409, code, "leased")
	code, u := simCall(t, "POST", mp, "tok123", map[string]any{"config": map[string]any{"image": "nginx:1.28"}}, nonce)
	require.Equal(t, 200, code)
	code, w = simCall(t, "GET", mp+"/wait?state=started&timeout=10&version="+u["version"].(string), "tok123", nil, "")
	require.Equal(t, 200, code, "%v", w)

	code, _ = simCall(t, "POST", mp+"/stop", "tok123", map[string]any{"signal": "SIGTERM"}, nonce)
	require.Equal(t, 200, code)
	code, w = simCall(t, "GET", mp+"/wait?state=stopped&timeout=10", "tok123", nil, "")
	require.Equal(t, 200, code, "%v", w)

	code, _ = simCall(t, "DELETE", mp, "tok123", nil, nonce)
	require.Equal(t, 200, code)
	code, w = simCall(t, "GET", mp+"/wait?state=destroyed&timeout=10", "tok123", nil, "")
	require.Equal(t, 200, code, "%v", w)
	assert.Equal(t, "destroyed", w["state"])

	assert.Equal(t, 0, stop())
	assert.Contains(t, stderr.String(), "stopped")
	_, err := net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second)
	assert.Error(t, err, "the listener is closed")
}

func TestSimCommandBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--listen", "nohost"}, "invalid --listen"},
		{[]string{"--listen", "127.0.0.1:99999"}, "bad port"},
		{[]string{"--faults", "503=2"}, "invalid --faults"},
		{[]string{"--faults", "418=0.1"}, "unknown kind"},
		{[]string{"--rate-limits=maybe"}, "want on or off"},
		{[]string{"--latency", "fast"}, "invalid value"},
		{[]string{"--latency", "-5ms"}, "must not be negative"},
		{[]string{"--nope"}, "unknown flag --nope"},
		{[]string{"--listn", "x"}, "unknown flag --listn (did you mean --listen?)"},
		{[]string{"--jitter", "-1ms"}, "invalid --jitter -1ms: must not be negative"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		var stdout, stderr bytes.Buffer
		code := simCommand(context.Background(), tc.args, &stdout, &stderr)
		assert.Equal(t, 2, code, "%v", tc.args)
		assert.Contains(t, stderr.String(), tc.want, "%v", tc.args)
		assert.Empty(t, stdout.String(), "%v", tc.args)
	}
}

func TestSimCommandPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var stdout, stderr bytes.Buffer
	code := simCommand(context.Background(), []string{"--listen", ln.Addr().String()}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "listen")
}

func TestSimCommandStateAndFaults(t *testing.T) {
	state := t.TempDir() + "/sim.json"
	base, stderr, stop := runSim(t, "--listen", "127.0.0.1:0", "--state", state, "--faults", "503=0.0001", "--latency", "1ms")
	assert.Contains(t, stderr.String(), "state in "+state)
	assert.Contains(t, stderr.String(), "faults 503=0.0001")
	code, _ := simCall(t, "POST", base+"/v1/apps", "sim", map[string]any{"name": "kept", "org_slug": "personal"}, "")
	require.Equal(t, 201, code)
	require.Equal(t, 0, stop())

	base, _, _ = runSim(t, "--listen", "127.0.0.1:0", "--state", state)
	code, app := simCall(t, "GET", base+"/v1/apps/kept", "sim", nil, "")
	assert.Equal(t, 200, code)
	assert.Equal(t, "kept", app["name"])
}

// TestSimCommandBadStateFile: exit 2 with the file, the JSON path and the
// problem; a folder that does not exist is refused the same way.
func TestSimCommandBadStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	require.NoError(t, os.WriteFile(state, []byte(`{"format": 1, "machines": {"m1": {"id": "m1", "versions": null}}}`), 0o600))
	var stdout, stderr bytes.Buffer
	code := simCommand(t.Context(), []string{"--listen", "127.0.0.1:0", "--state", state}, &stdout, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), state+`: at $.machines["m1"].app: app "" is not in $.apps`)
	stderr.Reset()
	code = simCommand(t.Context(), []string{"--listen", "127.0.0.1:0", "--state", filepath.Join(dir, "nodir", "s.json")}, &stdout, &stderr)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "nodir does not exist")
}

// TestSimCommandAllowHost: another Host header (a DNS rebinding page) is
// refused; --allow-host adds a name.
func TestSimCommandAllowHost(t *testing.T) {
	base, _, stop := runSim(t, "--listen", "127.0.0.1:0", "--allow-host", "box.test")
	defer stop()
	get := func(host string) int {
		req, err := http.NewRequest("GET", base+"/v1/apps?org_slug=personal", nil)
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Authorization", "Bearer sim")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 403, get("rebind.example.com"))
	assert.Equal(t, 200, get("box.test:4280"))
	assert.Equal(t, 200, get("localhost"))
}

// TestSimCommandAllAddresses: served on every address, the URL printed (and
// exported) is one this machine can use, and the simulator answers it.
func TestSimCommandAllAddresses(t *testing.T) {
	base, stderr, stop := runSim(t, "--listen", "0.0.0.0:0")
	defer stop()
	code, _ := simCall(t, "GET", base+"/v1/apps?org_slug=personal", "sim", nil, "")
	assert.Equal(t, 200, code)
	assert.Contains(t, stderr.String(), "reachable from other hosts")
}
