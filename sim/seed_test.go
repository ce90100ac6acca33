package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedFrom reads app's resources from src over its HTTP API, as the plan
// overlay does, and seeds dst with them.
func seedFrom(t *testing.T, src, dst *harness, app string) {
	t.Helper()
	var a SeedApp
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app, nil).Body, &a))
	require.NoError(t, dst.s.SeedApp(a))

	var ms []SeedMachine
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app+"/machines", nil).Body, &ms))
	for _, m := range ms {
		require.NoError(t, dst.s.SeedMachine(app, m))
		res := src.do("GET", "/v1/apps/"+app+"/machines/"+m.ID+"/lease", nil)
		if res.Code == 200 {
			var env struct {
				Data SeedLease `json:"data"`
			}
			require.NoError(t, DecodeSeed(res.Body, &env))
			require.NoError(t, dst.s.SeedLease(app, m.ID, env.Data))
		}
	}
	var vs []SeedVolume
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app+"/volumes", nil).Body, &vs))
	for _, v := range vs {
		require.NoError(t, dst.s.SeedVolume(app, v))
	}
	var secs struct {
		Secrets []SeedSecret `json:"secrets"`
	}
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app+"/secrets", nil).Body, &secs))
	require.NoError(t, dst.s.SeedSecrets(app, secs.Secrets, 0))
	var certs struct {
		Certificates []SeedCertificate `json:"certificates"`
	}
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app+"/certificates", nil).Body, &certs))
	for _, c := range certs.Certificates {
		require.NoError(t, dst.s.SeedCertificate(app, c))
	}
	var ips struct {
		IPs []SeedIP `json:"ips"`
	}
	require.NoError(t, DecodeSeed(src.ok("GET", "/v1/apps/"+app+"/ip_assignments", nil).Body, &ips))
	require.NoError(t, dst.s.SeedIPs(app, ips.IPs))
}

func TestSeedCopiesWhatWasRead(t *testing.T) {
	src, dst := newHarness(t), newHarness(t)
	src.app("web")
	idle := src.started("web")
	busy := src.machine("web", map[string]any{"name": "busy", "region": "ams", "config": map[string]any{
		"image": "nginx:1.27", "guest": map[string]any{"cpus": 2, "memory_mb": 1024, "cpu_kind": "shared"},
		"metadata": map[string]any{"role": "api"},
	}})
	src.settle()
	lease := src.ok("POST", "/v1/apps/web/machines/"+busy+"/lease", map[string]any{"ttl": 600, "description": "deploy"}).JSON()
	nonce := lease["data"].(map[string]any)["nonce"].(string)
	src.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "data", "region": "ord", "size_gb": 3})
	src.ok("POST", "/v1/apps/web/secrets/DB_URL", map[string]any{"value": "postgres://secret"})
	src.ok("POST", "/v1/apps/web/certificates/acme", map[string]any{"hostname": "www.example.com"})
	src.ok("POST", "/v1/apps/web/ip_assignments", map[string]any{"type": "v6"})

	seedFrom(t, src, dst, "web")

	for _, path := range []string{
		"/v1/apps/web/machines/" + idle, "/v1/apps/web/machines/" + busy,
	} {
		want, got := src.ok("GET", path, nil).JSON(), dst.ok("GET", path, nil).JSON()
		for _, k := range []string{"id", "name", "state", "region", "instance_id", "private_ip", "config", "created_at"} {
			assert.Equal(t, want[k], got[k], "%s: %s", path, k)
		}
	}
	assert.Equal(t, src.ok("GET", "/v1/apps/web/volumes", nil).List(), dst.ok("GET", "/v1/apps/web/volumes", nil).List())
	assert.Equal(t, src.ok("GET", "/v1/apps/web/ip_assignments", nil).JSON(), dst.ok("GET", "/v1/apps/web/ip_assignments", nil).JSON())
	assert.Equal(t, src.ok("GET", "/v1/apps/web/certificates", nil).JSON(), dst.ok("GET", "/v1/apps/web/certificates", nil).JSON())
	assert.Equal(t, src.ok("GET", "/v1/apps/web/machines/"+busy+"/metadata", nil).JSON(),
		dst.ok("GET", "/v1/apps/web/machines/"+busy+"/metadata", nil).JSON())

	// Secret names come across, values never do.
	secs := dst.ok("GET", "/v1/apps/web/secrets?show_secrets=true", nil).JSON()["secrets"].([]any)
	require.Len(t, secs, 1)
	assert.Equal(t, "DB_URL", secs[0].(map[string]any)["name"])
	assert.Equal(t, "", secs[0].(map[string]any)["value"])

	// The lease is held by someone else in the copy: not even the source's
	// nonce opens it.
	assert.Equal(t, 409, dst.do("POST", "/v1/apps/web/machines/"+busy+"/stop", nil).Code)
	assert.Equal(t, 409, dst.do("POST", "/v1/apps/web/machines/"+busy+"/stop", nil, "fly-machine-lease-nonce: "+nonce).Code)
	got := dst.ok("GET", "/v1/apps/web/machines/"+busy+"/lease", nil).JSON()["data"].(map[string]any)
	assert.Equal(t, "deploy", got["description"])
	assert.NotEqual(t, nonce, got["nonce"])
	// The unleased machine takes changes.
	dst.ok("POST", "/v1/apps/web/machines/"+idle+"/stop", nil)
	dst.settle()
	assert.Equal(t, "stopped", dst.state("web", idle))
	assert.Equal(t, "started", src.state("web", idle))
}

func TestSeedNeverOverwrites(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.s.SeedApp(SeedApp{Name: "web", Organization: SeedOrg{Slug: "acme"}}))
	require.ErrorIs(t, h.s.SeedApp(SeedApp{Name: "web"}), ErrSeeded)
	m := SeedMachine{ID: "148e", Name: "a", State: "started", Region: "ord", Config: map[string]any{"image": "nginx:1.27"}}
	require.NoError(t, h.s.SeedMachine("web", m))
	m.Config = map[string]any{"image": "evil"}
	require.ErrorIs(t, h.s.SeedMachine("web", m), ErrSeeded)
	assert.Equal(t, "nginx:1.27", h.ok("GET", "/v1/apps/web/machines/148e", nil).JSON()["config"].(map[string]any)["image"])
	require.NoError(t, h.s.SeedSecrets("web", []SeedSecret{{Name: "A"}}, 3))
	require.ErrorIs(t, h.s.SeedSecrets("web", []SeedSecret{{Name: "B"}}, 4), ErrSeeded)
	require.NoError(t, h.s.SeedIPs("web", []SeedIP{{IP: "1.2.3.4"}}))
	require.ErrorIs(t, h.s.SeedIPs("web", []SeedIP{{IP: "1.2.3.4"}}), ErrSeeded)
	// The seeded organisation exists and the caller belongs to it.
	assert.Equal(t, "acme", h.ok("GET", "/v1/apps/web", nil).JSON()["organization"].(map[string]any)["slug"])
}

func TestSeedRefusesWhatItCannotPlace(t *testing.T) {
	h := newHarness(t)
	assert.ErrorContains(t, h.s.SeedMachine("nope", SeedMachine{ID: "1", Config: map[string]any{"image": "x"}}), `app "nope" is not in the simulator`)
	require.NoError(t, h.s.SeedApp(SeedApp{Name: "web"}))
	assert.ErrorContains(t, h.s.SeedMachine("web", SeedMachine{ID: "1"}), "has no config")
	assert.ErrorContains(t, h.s.SeedMachine("web", SeedMachine{Config: map[string]any{}}), "needs an id")
	assert.ErrorContains(t, h.s.SeedLease("web", "1", SeedLease{ExpiresAt: t0.Unix() + 60}), "is not in the simulator")
	assert.Error(t, h.s.SeedApp(SeedApp{}))
	var m SeedMachine
	assert.ErrorContains(t, DecodeSeed([]byte(`{"id": 3}`), &m), "decode")
}

func TestSeedSettlesTransientStates(t *testing.T) {
	h := newHarness(t)
	require.NoError(t, h.s.SeedApp(SeedApp{Name: "web"}))
	for state, want := range map[string]string{"starting": "started", "stopping": "stopped", "replacing": "started", "suspended": "suspended", "destroying": "destroyed"} {
		id := "m-" + state
		require.NoError(t, h.s.SeedMachine("web", SeedMachine{ID: id, State: state, Region: "ord", Config: map[string]any{"image": "nginx"}}))
		assert.Equal(t, want, h.state("web", id), state)
	}
	// An expired lease is no lease.
	require.NoError(t, h.s.SeedLease("web", "m-starting", SeedLease{Owner: "x", ExpiresAt: t0.Unix() - 1}))
	h.ok("POST", "/v1/apps/web/machines/m-starting/stop", nil)
}

func TestSeedOrganization(t *testing.T) {
	h := newHarness(t)
	assert.Equal(t, 404, h.do("GET", "/v1/apps?org_slug=acme", nil).Code)
	require.NoError(t, h.s.SeedOrganization(SeedOrg{Slug: "acme", Name: "Acme"}))
	require.NoError(t, h.s.SeedOrganization(SeedOrg{Slug: "acme", Name: "Other"})) // known: nothing changes
	assert.Equal(t, float64(0), h.ok("GET", "/v1/apps?org_slug=acme", nil).JSON()["total_apps"])
	require.NoError(t, h.s.SeedApp(SeedApp{Name: "web", Organization: SeedOrg{Slug: "acme"}}))
	assert.Equal(t, "Acme", h.ok("GET", "/v1/apps/web", nil).JSON()["organization"].(map[string]any)["name"])
	assert.Error(t, h.s.SeedOrganization(SeedOrg{}))
}
