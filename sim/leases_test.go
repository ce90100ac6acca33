package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeases(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	nh := func(n string) string { return "fly-machine-lease-nonce: " + n }

	assert.Equal(t, "lease not found", h.do("GET", base+"/lease", nil).Err())

	// fly-go sends ?ttl= and no body.
	res := h.ok("POST", base+"/lease?ttl=30", nil)
	require.Equal(t, 201, res.Code)
	env := res.JSON()
	assert.Equal(t, "success", env["status"])
	data := env["data"].(map[string]any)
	nonce := data["nonce"].(string)
	require.NotEmpty(t, nonce)
	assert.EqualValues(t, t0.Add(10*time.Second+30*time.Second).Unix(), data["expires_at"])
	assert.Equal(t, leaseOwner, data["owner"])
	assert.Len(t, data["version"], 26)

	// A second holder gets 409.
	res = h.do("POST", base+"/lease", map[string]any{"ttl": 30, "description": "other"})
	assert.Equal(t, 409, res.Code)
	assert.Contains(t, res.Err(), "lease currently held by "+leaseOwner)

	// Refresh with the nonce: same nonce, later expiry, body ttl.
	h.clk.Advance(10 * time.Second)
	data2 := h.ok("POST", base+"/lease", map[string]any{"ttl": 60}, nh(nonce)).JSON()["data"].(map[string]any)
	assert.Equal(t, nonce, data2["nonce"])
	assert.EqualValues(t, h.clk.Now().Add(60*time.Second).Unix(), data2["expires_at"])

	// Guarded mutations need the nonce; metadata and reads do not.
	for _, p := range []string{"/stop", "/restart", "/suspend", "/cordon", "/uncordon", "/start"} {
		res := h.do("POST", base+p, nil)
		assert.Equal(t, 409, res.Code, p)
		assert.Contains(t, res.Err(), "lease currently held by", p)
	}
	assert.Equal(t, 409, h.do("POST", base, map[string]any{"config": map[string]any{"image": "a:1"}}).Code)
	assert.Equal(t, 409, h.do("DELETE", base+"?force=true", nil).Code)
	assert.Equal(t, 409, h.do("POST", base+"/stop", nil, nh("wrong")).Code)
	h.ok("POST", base+"/metadata/k", map[string]any{"value": "v"})
	h.ok("GET", base, nil)
	h.ok("POST", base+"/cordon", nil, nh(nonce))

	// include_leases shows the stripped lease (no nonce).
	m := h.ok("GET", base+"?include_leases=true", nil).JSON()
	require.Contains(t, m, "lease")
	assert.NotContains(t, m["lease"], "nonce")
	assert.NotContains(t, h.ok("GET", base, nil).JSON(), "lease")

	// Release: the header is required and must match.
	assert.Equal(t, 400, h.do("DELETE", base+"/lease", nil).Code)
	assert.Equal(t, 409, h.do("DELETE", base+"/lease", nil, nh("wrong")).Code)
	rel := h.ok("DELETE", base+"/lease", nil, nh(nonce)).JSON()
	assert.Equal(t, map[string]any{"status": "success", "data": map[string]any{"ok": true}}, rel)
	assert.Equal(t, 404, h.do("GET", base+"/lease", nil).Code)
	h.ok("POST", base+"/uncordon", nil)
}

func TestLeaseExpires(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	h.ok("POST", base+"/lease?ttl=5", nil)
	assert.Equal(t, 409, h.do("POST", base+"/stop", nil).Code)
	h.clk.Advance(5 * time.Second)
	assert.Equal(t, 404, h.do("GET", base+"/lease", nil).Code)
	h.ok("POST", base+"/stop", nil)
	// A new holder can take it.
	h.ok("POST", base+"/lease?ttl=5", nil)
}

func TestLeaseOnCreate(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	m := h.ok("POST", "/v1/apps/web/machines", map[string]any{"config": map[string]any{"image": "a:1"}, "lease_ttl": 30}).JSON()
	nonce := m["nonce"].(string)
	require.NotEmpty(t, nonce)
	h.settle()
	base := "/v1/apps/web/machines/" + m["id"].(string)
	assert.Equal(t, 409, h.do("POST", base+"/stop", nil).Code)
	h.ok("POST", base+"/stop", nil, "fly-machine-lease-nonce: "+nonce)
	assert.Equal(t, 400, h.do("POST", base+"/lease?ttl=abc", nil).Code)
	assert.Equal(t, 400, h.do("POST", base+"/lease?ttl=0", nil).Code)
}
