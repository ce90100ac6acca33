package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestListenRefusesOtherHosts: a request naming another host (a DNS
// rebinding page) is refused with 403 and changes nothing; loopback hosts
// and the listen host are answered; WithAllowedHosts adds names.
func TestListenRefusesOtherHosts(t *testing.T) {
	srv, err := Start(WithAllowedHosts("sim.internal"))
	require.NoError(t, err)
	defer srv.Close()
	n := 0
	send := func(host string) (int, string) {
		n++
		req, err := http.NewRequest("POST", srv.URL+"/v1/apps", strings.NewReader(fmt.Sprintf(`{"app_name":"web-%d","org_slug":"personal"}`, n)))
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Authorization", "Bearer sim")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var body struct{ Error string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Error
	}
	code, msg := send("evil.example.com:4280")
	assert.Equal(t, 403, code)
	assert.Contains(t, msg, `host "evil.example.com:4280" is not allowed`)
	code, _ = send("evil.example.com")
	assert.Equal(t, 403, code)
	for _, ok := range []string{"localhost:4280", "127.0.0.1", "[::1]:80", "sim.internal:1"} {
		code, msg = send(ok)
		assert.Equal(t, 201, code, "%s: %s", ok, msg)
	}
	srv.Server.mu.Lock()
	defer srv.Server.mu.Unlock()
	assert.NotContains(t, srv.Server.w.Apps, "web-1", "a refused request changes nothing")
	assert.NotContains(t, srv.Server.w.Apps, "web-2", "a refused request changes nothing")

	// The in-process handler (New) answers any host unless told.
	h := newHarness(t)
	h.app("any")
}

// TestListenOnEveryAddressGivesAReachableURL checks that a simulator
// listening on every address gives a URL a client on this machine can use
// and the Host check accepts (not http://[::]:PORT).
func TestListenOnEveryAddressGivesAReachableURL(t *testing.T) {
	srv, err := Listen("0.0.0.0:0")
	require.NoError(t, err)
	defer srv.Close()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	req, err := http.NewRequest("GET", srv.URL+"/v1/apps?org_slug=personal", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer sim")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}
