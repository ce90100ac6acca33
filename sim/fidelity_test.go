package sim_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// These tests drive the simulator with the client package, as a script
// would, on behaviours where a script used to pass on the simulator and fail
// in production (issue 15).

func newInstantClient(t *testing.T, opts ...sim.Option) *client.Client {
	c := newClient(t, append([]sim.Option{sim.WithTimings(sim.InstantTimings())}, opts...))
	do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps", Body: body(map[string]any{"name": "web", "org_slug": "personal"})})
	return c
}

func createMachine(t *testing.T, c *client.Client, config map[string]any) (string, error) {
	t.Helper()
	resp, err := c.Do(context.Background(), &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines",
		Params: map[string]string{"app_name": "web"}, Body: body(map[string]any{"config": config})})
	if err != nil {
		return "", err
	}
	var m struct{ ID string }
	require.NoError(t, json.Unmarshal(resp.Body, &m))
	return m.ID, nil
}

// TestFidelityCertificateDeletes: deleting a hostname's ACME certificate
// leaves the hostname (fly-go's DeleteACMECertificate); deleting the
// hostname removes it.
func TestFidelityCertificateDeletes(t *testing.T) {
	ctx := context.Background()
	c := newInstantClient(t)
	_, err := c.Certificates.RequestACME(ctx, "web", &client.CreateAcmeCertificateRequest{Hostname: "www.example.com"})
	require.NoError(t, err)
	_, err = c.Certificates.DestroyACME(ctx, "web", "www.example.com")
	require.NoError(t, err)
	left, err := c.Certificates.Get(ctx, "web", "www.example.com")
	require.NoError(t, err, "the hostname stays after its ACME certificate is deleted")
	assert.Empty(t, left.Certificates)
	require.NoError(t, c.Certificates.Destroy(ctx, "web", "www.example.com"))
	_, err = c.Certificates.Get(ctx, "web", "www.example.com")
	var ce *client.Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 404, ce.StatusCode)
}

// TestFidelitySecretsNeedARestart: a running machine keeps the secrets it
// booted with until it is restarted or updated, so a rotation script that
// forgets the restart fails its check here as in production.
func TestFidelitySecretsNeedARestart(t *testing.T) {
	ctx := context.Background()
	c := newInstantClient(t)
	set := func(v string) {
		_, err := c.Secrets.Set(ctx, "web", "TOKEN", &client.SetAppSecretRequest{Value: v})
		require.NoError(t, err)
	}
	seen := func(id string) string {
		out, err := c.Machines.Exec(ctx, "web", id, &client.MachineExecRequest{Command: []string{"printenv", "TOKEN"}})
		require.NoError(t, err)
		return out.Stdout
	}
	set("v1")
	id, err := createMachine(t, c, map[string]any{"image": "nginx:1.27"})
	require.NoError(t, err)
	assert.Equal(t, "v1\n", seen(id))
	set("v2")
	assert.Equal(t, "v1\n", seen(id), "a running machine does not see a new value")
	require.NoError(t, c.Machines.Restart(ctx, "web", id, nil))
	assert.Equal(t, "v2\n", seen(id), "a restart reads the secrets again")
	set("v3")
	_, err = c.Do(ctx, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/machines/{machine_id}",
		Params: map[string]string{"app_name": "web", "machine_id": id}, Body: body(map[string]any{"config": map[string]any{"image": "nginx:1.28"}})})
	require.NoError(t, err)
	assert.Equal(t, "v3\n", seen(id), "an update reads the secrets again")

	// flyctl's rotation: set, then update with min_secrets_version the
	// version the set answered.
	res, err := c.Secrets.Set(ctx, "web", "TOKEN", &client.SetAppSecretRequest{Value: "v4"})
	require.NoError(t, err)
	require.Positive(t, res.VersionCompat)
	assert.Equal(t, "v3\n", seen(id))
	m, err := c.Machines.Get(ctx, "web", id, nil)
	require.NoError(t, err)
	_, err = c.Machines.Update(ctx, "web", id, &client.UpdateMachineRequest{Config: m.Config, MinSecretsVersion: res.VersionCompat}, nil)
	require.NoError(t, err)
	assert.Equal(t, "v4\n", seen(id), "an update with min_secrets_version boots with that version")
}

// TestFidelityByteFields: byte fields are answered as base64, as the API
// (a Go server with []byte fields) writes them, and the client reads them
// back to the right bytes: a signature checks against the public key with
// Go's ed25519, and a ciphertext decrypts.
func TestFidelityByteFields(t *testing.T) {
	ctx := context.Background()
	c := newInstantClient(t)
	key, err := c.SecretKeys.Generate(ctx, "web", "signer", &client.SetSecretkeyRequest{Type: "nacl_sign"})
	require.NoError(t, err)
	require.Len(t, key.PublicKey, ed25519.PublicKeySize)
	sig, err := c.SecretKeys.Sign(ctx, "web", "signer", &client.SignSecretkeyRequest{Plaintext: client.Bytes("release 42")}, nil)
	require.NoError(t, err)
	assert.True(t, ed25519.Verify(ed25519.PublicKey(key.PublicKey), []byte("release 42"), sig.Signature))
	require.NoError(t, c.SecretKeys.Verify(ctx, "web", "signer", &client.VerifySecretkeyRequest{Plaintext: client.Bytes("release 42"), Signature: sig.Signature}, nil))

	wire := do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps/{app_name}/secretkeys/{secret_name}/sign",
		Params: map[string]string{"app_name": "web", "secret_name": "signer"}, Body: body(map[string]any{"plaintext": "cmVsZWFzZSA0Mg=="})})
	assert.Equal(t, base64.StdEncoding.EncodeToString(sig.Signature), wire["signature"], "a base64 string on the wire")

	_, err = c.SecretKeys.Generate(ctx, "web", "box", &client.SetSecretkeyRequest{Type: "xaes256gcm"})
	require.NoError(t, err)
	ct, err := c.SecretKeys.Encrypt(ctx, "web", "box", &client.EncryptSecretkeyRequest{Plaintext: client.Bytes("hi"), AssociatedData: client.Bytes("ctx")}, nil)
	require.NoError(t, err)
	pt, err := c.SecretKeys.Decrypt(ctx, "web", "box", &client.DecryptSecretkeyRequest{Ciphertext: ct.Ciphertext, AssociatedData: client.Bytes("ctx")}, nil)
	require.NoError(t, err)
	assert.Equal(t, client.Bytes("hi"), pt.Plaintext)
}

// TestFidelityHealthChecks: the checks a config declares are `warning`
// during their grace period, then `passing`; `critical` for an image named
// sim-unhealthy and for a machine that is not running.
func TestFidelityHealthChecks(t *testing.T) {
	ctx := context.Background()
	clk := sim.NewFakeClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	c := newInstantClient(t, sim.WithClock(clk))
	config := func(image string) map[string]any {
		return map[string]any{"image": image,
			"checks": map[string]any{"alive": map[string]any{"type": "http", "port": 8080, "path": "/healthz", "grace_period": "10s"}},
			"services": []any{map[string]any{"internal_port": 8080, "protocol": "tcp",
				"checks": []any{map[string]any{"type": "tcp"}}}},
		}
	}
	statuses := func(id string) map[string]string {
		m, err := c.Machines.Get(ctx, "web", id, nil)
		require.NoError(t, err)
		out := map[string]string{}
		for _, ch := range m.Checks {
			out[ch.Name] = ch.Status
		}
		return out
	}
	good, err := createMachine(t, c, config("nginx:1.27"))
	require.NoError(t, err)
	bad, err := createMachine(t, c, config("registry.example.com/sim-unhealthy:2"))
	require.NoError(t, err)
	plain, err := createMachine(t, c, map[string]any{"image": "nginx:1.27"})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"alive": "warning", "servicecheck-00-tcp-8080": "passing"}, statuses(good))
	clk.Advance(11 * time.Second)
	assert.Equal(t, map[string]string{"alive": "passing", "servicecheck-00-tcp-8080": "passing"}, statuses(good))
	assert.Equal(t, map[string]string{"alive": "critical", "servicecheck-00-tcp-8080": "critical"}, statuses(bad))
	assert.Empty(t, statuses(plain), "no check declared, none reported")
	require.NoError(t, c.Machines.Stop(ctx, "web", good, nil))
	assert.Equal(t, map[string]string{"alive": "critical", "servicecheck-00-tcp-8080": "critical"}, statuses(good))
}

// TestFidelityGuestValidation: sizes the platform refuses are refused with
// 400 and the API's error shape; the defaults are filled for a size given
// in part.
func TestFidelityGuestValidation(t *testing.T) {
	c := newInstantClient(t)
	for _, tc := range []struct {
		guest map[string]any
		files []any
		want  string
	}{
		{guest: map[string]any{"cpus": 1000000}, want: "invalid config.guest.cpus 1000000: shared machines have 1, 2, 4, 6 or 8 CPUs"},
		{guest: map[string]any{"cpus": 1, "memory_mb": 1 << 40}, want: "invalid config.guest.memory_mb, maximum allowed 2048 MiB for 1 shared CPUs"},
		{guest: map[string]any{"cpus": -2}, want: "invalid config.guest.cpus -2"},
		{guest: map[string]any{"memory_mb": -256}, want: "invalid config.guest.memory_mb, minimum required 256 MiB"},
		{guest: map[string]any{"cpu_kind": "performance", "cpus": 2, "memory_mb": 2048}, want: "invalid config.guest.memory_mb, minimum required 4096 MiB"},
		{guest: map[string]any{"cpu_kind": "gpu"}, want: `invalid config.guest.cpu_kind "gpu": want shared or performance`},
		{guest: map[string]any{"memory_mb": 300}, want: "invalid memory size 300; must be in 256 MiB increments"},
		{guest: map[string]any{"cpus": 1.5}, want: "invalid config.guest.cpus 1.5"},
		{files: []any{map[string]any{"guest_path": "/etc/x", "raw_value": "not base64!"}}, want: "invalid config.files[0].raw_value: not base64"},
		{files: []any{map[string]any{"guest_path": "etc/x", "raw_value": "aGk="}}, want: "invalid config.files[0].guest_path"},
	} {
		cfg := map[string]any{"image": "nginx:1.27"}
		if tc.guest != nil {
			cfg["guest"] = tc.guest
		}
		if tc.files != nil {
			cfg["files"] = tc.files
		}
		_, err := createMachine(t, c, cfg)
		var ce *client.Error
		require.True(t, errors.As(err, &ce), "%v: accepted", tc)
		assert.Equal(t, 400, ce.StatusCode, "%v", tc)
		assert.Contains(t, ce.Message, tc.want)
	}
	id, err := createMachine(t, c, map[string]any{"image": "nginx:1.27", "guest": map[string]any{"cpu_kind": "performance", "cpus": 2}})
	require.NoError(t, err)
	m, err := c.Machines.Get(context.Background(), "web", id, nil)
	require.NoError(t, err)
	assert.Equal(t, 4096, m.Config.Guest.MemoryMB, "the least memory for the CPUs")
}

// TestFidelityAppDeleteWhileMachineDestroying: a machine on its way out
// does not block the deletion of its app.
func TestFidelityAppDeleteWhileMachineDestroying(t *testing.T) {
	ctx := context.Background()
	clk := sim.NewFakeClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	c := newClient(t, []sim.Option{sim.WithClock(clk)})
	do(t, c, &client.Request{Method: "POST", Pattern: "/v1/apps", Body: body(map[string]any{"name": "web", "org_slug": "personal"})})
	id, err := createMachine(t, c, map[string]any{"image": "nginx:1.27"})
	require.NoError(t, err)
	clk.Advance(10 * time.Second)
	require.NoError(t, c.Machines.Destroy(ctx, "web", id, &client.DestroyOptions{Force: true}))
	m, err := c.Machines.Get(ctx, "web", id, nil)
	require.NoError(t, err)
	require.Equal(t, "destroying", m.State)
	_, err = c.Do(ctx, &client.Request{Method: "DELETE", Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": "web"}})
	require.NoError(t, err, "the app is deleted although a machine is still destroying")
}

// TestFidelitySlowStart: a machine on an image named sim-slow stays
// `starting` 30 s longer, on the simulator's clock, even with instant
// timings.
func TestFidelitySlowStart(t *testing.T) {
	ctx := context.Background()
	clk := sim.NewFakeClock(time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC))
	c := newInstantClient(t, sim.WithClock(clk))
	id, err := createMachine(t, c, map[string]any{"image": "example.com/sim-slow:3"})
	require.NoError(t, err)
	state := func() string {
		m, err := c.Machines.Get(ctx, "web", id, nil)
		require.NoError(t, err)
		return m.State
	}
	assert.Equal(t, "starting", state())
	clk.Advance(29 * time.Second)
	assert.Equal(t, "starting", state())
	clk.Advance(time.Second)
	assert.Equal(t, "started", state())
}
