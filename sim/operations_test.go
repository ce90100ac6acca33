package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/openapi"
)

// selfSigned returns a PEM certificate and key for host, valid around t0.
func selfSigned(t testing.TB, host string) (string, string) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, Issuer: pkix.Name{CommonName: "Test CA"},
		DNSNames: []string{host}, NotBefore: t0.Add(-time.Hour), NotAfter: t0.Add(365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}))
}

// fixture is a simulator holding one of everything.
type fixture struct {
	*harness
	machineID, volumeID, nonce, ip, pgID string
	ciphertext                           string
	hmacKey                              []byte
	certPEM, keyPEM                      string
}

func newFixture(t testing.TB) *fixture {
	h := newHarness(t)
	f := &fixture{harness: h}
	h.app("web")
	f.volumeID = h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "data", "region": "iad", "size_gb": 3}).JSON()["id"].(string)
	h.ok("POST", "/v1/apps/web/volumes/"+f.volumeID+"/snapshots", nil)
	h.ok("POST", "/v1/apps/web/secrets/API_KEY", map[string]any{"value": "s3cret"})
	f.machineID = h.machine("web", map[string]any{"config": map[string]any{
		"image":    "nginx:1.27",
		"env":      map[string]any{"MODE": "prod"},
		"metadata": map[string]any{"role": "web"},
		"files":    []any{map[string]any{"guest_path": "/etc/motd", "raw_value": base64.StdEncoding.EncodeToString([]byte("hello\n"))}},
	}})
	h.settle()
	f.nonce = h.ok("POST", "/v1/apps/web/machines/"+f.machineID+"/lease?ttl=3600", nil).JSON()["data"].(map[string]any)["nonce"].(string)
	f.hmacKey = []byte("0123456789abcdef0123456789abcdef")
	keyInts := make([]int, len(f.hmacKey))
	for i, b := range f.hmacKey {
		keyInts[i] = int(b)
	}
	h.ok("POST", "/v1/apps/web/secretkeys/sig", map[string]any{"type": "hs256", "value": keyInts})
	h.ok("POST", "/v1/apps/web/secretkeys/enc/generate", map[string]any{"type": "xaes256gcm"})
	f.ciphertext = h.ok("POST", "/v1/apps/web/secretkeys/enc/encrypt", map[string]any{"plaintext": []int{104, 105}}).JSON()["ciphertext"].(string)
	f.certPEM, f.keyPEM = selfSigned(t, "www.example.com")
	h.ok("POST", "/v1/apps/web/certificates/acme", map[string]any{"hostname": "www.example.com"})
	h.ok("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "www.example.com", "fullchain": f.certPEM, "private_key": f.keyPEM})
	f.ip = h.ok("POST", "/v1/apps/web/ip_assignments", map[string]any{"type": "v6"}).JSON()["ip"].(string)
	f.pgID = h.ok("POST", "/v1/postgres", map[string]any{"org_slug": "personal", "plan": "basic", "region": "iad"}).JSON()["data"].(map[string]any)["id"].(string)
	h.settle()
	h.ok("POST", "/v1/postgres/"+f.pgID+"/attachments", map[string]any{"app_name": "web"})
	h.ok("POST", "/v1/postgres/"+f.pgID+"/databases/fly-db/extensions", map[string]any{"name": "citext"})
	return f
}

// TestEveryOperationAnswers sends each operation of the document, on a fresh
// fixture, a valid request, and requires a 2xx answer that the document
// validates.
func TestEveryOperationAnswers(t *testing.T) {
	ops, err := openapi.Operations()
	require.NoError(t, err)
	require.Len(t, ops, 100)
	for _, op := range ops {
		t.Run(op.OperationID, func(t *testing.T) {
			f := newFixture(t)
			sig := hmac.New(sha256.New, f.hmacKey)
			sig.Write([]byte("hi"))
			var sigInts []int
			for _, b := range sig.Sum(nil) {
				sigInts = append(sigInts, int(b))
			}
			bodies := map[string]any{
				"Apps_create":                         map[string]any{"name": "other", "org_slug": "personal"},
				"App_Certificates_acme_create":        map[string]any{"hostname": "api.example.com"},
				"App_Certificates_custom_create":      map[string]any{"hostname": "www.example.com", "fullchain": f.certPEM, "private_key": f.keyPEM},
				"App_create_deploy_token":             map[string]any{"expiry": "720h"},
				"App_IPAssignments_create":            map[string]any{"type": "shared_v4"},
				"Machines_create":                     map[string]any{"config": map[string]any{"image": "redis:7"}, "region": "ord"},
				"Machines_update":                     map[string]any{"config": map[string]any{"image": "nginx:1.28"}},
				"Machines_exec":                       map[string]any{"command": []string{"cat", "/etc/motd"}},
				"Machines_create_lease":               map[string]any{"ttl": 60},
				"Machines_set_memory_limit":           map[string]any{"limit_mb": 128},
				"Machines_reclaim_memory":             map[string]any{"amount_mb": 16},
				"Machines_update_metadata":            map[string]any{"metadata": map[string]any{"tier": "gold", "role": nil}},
				"Machines_update_metadata_deprecated": map[string]any{"metadata": map[string]any{"tier": "gold"}},
				"Machines_upsert_metadata":            map[string]any{"value": "blue"},
				"Machines_signal":                     map[string]any{"signal": "SIGHUP"},
				"Machines_stop":                       map[string]any{"signal": "SIGTERM", "timeout": "5s"},
				"Secretkey_set":                       map[string]any{"type": "hs256", "value": []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
				"Secretkey_generate":                  map[string]any{"type": "nacl_sign"},
				"Secretkey_encrypt":                   map[string]any{"plaintext": []int{1, 2, 3}},
				"Secretkey_decrypt":                   map[string]any{"ciphertext": f.ciphertext},
				"Secretkey_sign":                      map[string]any{"plaintext": []int{104, 105}},
				"Secretkey_verify":                    map[string]any{"plaintext": []int{104, 105}, "signature": sigInts},
				"Secrets_update":                      map[string]any{"values": map[string]any{"A": "1", "API_KEY": nil}},
				"Secret_create":                       map[string]any{"value": "v"},
				"Volumes_create":                      map[string]any{"name": "logs", "size_gb": 1},
				"Volumes_update":                      map[string]any{"snapshot_retention": 10},
				"Volumes_extend":                      map[string]any{"size_gb": 10},
				"Platform_placements_post":            map[string]any{"org_slug": "personal", "region": "iad,ord", "count": 3},
				"Postgres_create":                     map[string]any{"org_slug": "personal", "plan": "launch", "region": "ord"},
				"Postgres_attachments_create":         map[string]any{"app_name": "web"},
				"Postgres_backups_create":             map[string]any{"type": "full"},
				"Postgres_databases_create":           map[string]any{"name": "analytics"},
				"Postgres_extensions_enable":          map[string]any{"name": "vector"},
				"Postgres_fork":                       map[string]any{"name": "forked"},
				"Postgres_restore":                    map[string]any{"pitr_time": t0.Format(time.RFC3339)},
				"Postgres_users_create":               map[string]any{"username": "reporter", "role": "reader"},
				"Postgres_users_update_role":          map[string]any{"role": "writer"},
				"Postgres_users_rotate_password":      map[string]any{"kill_sessions": true},
				"Tokens_authenticate":                 map[string]any{"header": "FlyV1 fm2_abc,fm2_def"},
				"Tokens_authorize":                    map[string]any{"header": "FlyV1 fm2_abc", "access": map[string]any{"app_name": "web", "action": 1}},
				"Tokens_request_OIDC":                 map[string]any{"aud": "sts.amazonaws.com"},
			}
			queries := map[string]string{
				"Apps_list":               "?org_slug=personal",
				"Apps_delete":             "?force=true",
				"Machines_delete":         "?force=true",
				"Machines_wait":           "?state=started&timeout=5",
				"Postgres_list":           "?org_slug=personal",
				"Postgres_queries_active": "?database=fly-db",
			}
			secret := "API_KEY"
			if strings.HasPrefix(op.OperationID, "Secretkey") {
				secret = "sig"
				if op.OperationID == "Secretkey_encrypt" || op.OperationID == "Secretkey_decrypt" {
					secret = "enc"
				}
			}
			path := strings.NewReplacer(
				"{app_name}", "web", "{machine_id}", f.machineID, "{volume_id}", f.volumeID,
				"{hostname}", "www.example.com", "{ip}", f.ip, "{secret_name}", secret, "{key}", "role",
				"{org_slug}", "personal", "{postgres_cluster_id}", f.pgID, "{database_name}", "fly-db",
				"{extension_name}", "citext", "{username}", "fly-user",
			).Replace(op.Path) + queries[op.OperationID]
			if op.OperationID == "Machines_start" { // start needs a stopped machine
				f.ok("POST", "/v1/apps/web/machines/"+f.machineID+"/stop", nil, "fly-machine-lease-nonce: "+f.nonce)
				f.settle()
			}
			body := bodies[op.OperationID]
			if body == nil && op.Method != "GET" && op.Method != "DELETE" {
				body = map[string]any{}
			}
			res := f.do(op.Method, path, body, "fly-machine-lease-nonce: "+f.nonce)
			require.True(t, res.Code >= 200 && res.Code < 300, "%s %s: %d %s", op.Method, path, res.Code, res.Body)
			if len(res.Body) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				require.True(t, json.Valid(res.Body))
			}
		})
	}
}
