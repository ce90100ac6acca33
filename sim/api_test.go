package sim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failRecorder is a testing.TB that records a failure instead of failing:
// it lets the validator's own test see the validator fail.
type failRecorder struct {
	testing.TB
	failed bool
	msg    string
}

func (f *failRecorder) Errorf(format string, args ...any) {
	f.failed = true
	f.msg = format
}
func (f *failRecorder) FailNow() { f.failed = true; runtime.Goexit() }
func (f *failRecorder) Helper()  {}

func validatorFails(t *testing.T, method, target string, status int, header http.Header, body string) bool {
	h := &harness{t: t}
	req := h.req(method, target, nil)
	rec := &failRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		checkResponse(rec, req, status, header, []byte(body))
	}()
	<-done
	return rec.failed
}

func TestValidatorCatchesMismatches(t *testing.T) {
	hdr := http.Header{"Fly-Request-Id": {"x"}, "Content-Type": {"application/json"}}
	assert.False(t, validatorFails(t, "GET", "/v1/apps/web", 200, hdr, `{"name":"web","machine_count":1}`))
	assert.True(t, validatorFails(t, "GET", "/v1/apps/web", 200, hdr, `{"name":"web","machine_count":"one"}`), "wrong type")
	assert.True(t, validatorFails(t, "GET", "/v1/apps/web", 200, http.Header{"Content-Type": {"application/json"}}, `{}`), "no request id")
	assert.True(t, validatorFails(t, "GET", "/v1/apps/web", 418, hdr, `{"error":"teapot"}`), "unlisted status")
	assert.False(t, validatorFails(t, "GET", "/v1/apps/web", 404, hdr, `{"error":"app not found"}`))
	assert.True(t, validatorFails(t, "GET", "/v1/apps/web", 404, hdr, `{"message":"app not found"}`), "no error field")
	assert.True(t, validatorFails(t, "GET", "/v1/apps/web", 404, hdr, `{"error":"x","status":"weird"}`), "status outside the enum")
	assert.False(t, validatorFails(t, "GET", "/v1/apps/a/machines/m/wait", 408, hdr, `{"error":"deadline_exceeded: x"}`))
	assert.True(t, validatorFails(t, "GET", "/v1/apps/a/machines", 408, hdr, `{"error":"deadline_exceeded: x"}`), "408 listed for wait only")
	assert.False(t, validatorFails(t, "GET", "/v1/postgres/abc", 200, hdr, `{"data":{"id":"abc","storage_used_bytes":null}}`), "type lists with null")
	assert.True(t, validatorFails(t, "GET", "/v1/postgres/abc", 200, hdr, `{"data":{"id":"abc","storage_used_bytes":"lots"}}`))
}

func TestAuth(t *testing.T) {
	h := newHarness(t)
	res := h.do("GET", "/v1/apps?org_slug=personal", nil, "Authorization:")
	assert.Equal(t, 401, res.Code)
	assert.Equal(t, "unauthorized", res.Err())
	assert.Equal(t, 401, h.do("GET", "/v1/apps?org_slug=personal", nil, "Authorization: Basic abc").Code)
	assert.Equal(t, 401, h.do("GET", "/v1/apps?org_slug=personal", nil, "Authorization: Bearer").Code)
	h.ok("GET", "/v1/apps?org_slug=personal", nil, "Authorization: FlyV1 fm2_abc,fm2_def")
	h.ok("GET", "/v1/platform/regions", nil, "Authorization:")
	h.ok("POST", "/v1/tokens/authenticate", map[string]any{"header": "FlyV1 fm2_x"}, "Authorization:")

	h2 := newHarness(t, WithToken("right"))
	assert.Equal(t, 401, h2.do("GET", "/v1/apps?org_slug=personal", nil).Code)
	h2.ok("GET", "/v1/apps?org_slug=personal", nil, "Authorization: Bearer right")
	h2.ok("GET", "/v1/apps?org_slug=personal", nil, "Authorization: FlyV1 right")
	// The token never comes back.
	cur := h2.ok("GET", "/v1/tokens/current", nil, "Authorization: Bearer right")
	assert.NotContains(t, string(cur.Body), "right")

	// Unknown routes answer JSON 404 with a request id.
	res = h.do("GET", "/v2/nothing", nil)
	assert.Equal(t, 404, res.Code)
	assert.NotEmpty(t, res.Header.Get("fly-request-id"))
}

func TestRegions(t *testing.T) {
	h := newHarness(t)
	body := h.ok("GET", "/v1/platform/regions", nil, "Authorization:").JSON()
	assert.Equal(t, "iad", body["nearest"])
	codes := map[string]bool{}
	for _, r := range body["regions"].([]any) {
		codes[r.(map[string]any)["code"].(string)] = true
	}
	for _, c := range []string{"ams", "arn", "cdg", "dfw", "ewr", "fra", "gru", "iad", "jnb", "lax", "lhr", "nrt", "ord", "sin", "sjc", "syd", "yyz"} {
		assert.True(t, codes[c], c)
	}
	pl := h.ok("POST", "/v1/platform/placements", map[string]any{"org_slug": "personal", "region": "iad,ord", "count": 3}).JSON()
	assert.Len(t, pl["regions"], 2)
}

func TestApps(t *testing.T) {
	h := newHarness(t, WithOrgs(Org{Slug: "acme", Apps: []string{"acme-web"}}, Org{Slug: "team", Member: true}))
	res := h.ok("POST", "/v1/apps", map[string]any{"name": "web", "org_slug": "personal", "idempotency_key": "k1"})
	assert.Equal(t, 201, res.Code)
	assert.Equal(t, "web", res.JSON()["id"])
	// Idempotent retry: same answer, one app.
	assert.Equal(t, res.JSON(), h.ok("POST", "/v1/apps", map[string]any{"name": "web", "org_slug": "personal", "idempotency_key": "k1"}).JSON())
	taken := h.do("POST", "/v1/apps", map[string]any{"name": "web", "org_slug": "personal"})
	assert.Equal(t, 422, taken.Code)
	assert.Equal(t, "name_taken", taken.JSON()["status"])
	assert.Equal(t, 422, h.do("POST", "/v1/apps", map[string]any{"name": "acme-web", "org_slug": "personal"}).Code, "names are global")
	assert.Equal(t, 400, h.do("POST", "/v1/apps", map[string]any{"name": "Bad_Name", "org_slug": "personal"}).Code)
	assert.Equal(t, 400, h.do("POST", "/v1/apps", map[string]any{"name": "ok-name"}).Code)
	assert.Equal(t, 403, h.do("POST", "/v1/apps", map[string]any{"name": "ok-name", "org_slug": "acme"}).Code)
	assert.Equal(t, 404, h.do("POST", "/v1/apps", map[string]any{"name": "ok-name", "org_slug": "nope"}).Code)
	h.ok("POST", "/v1/apps", map[string]any{"app_name": "team-app", "org_slug": "team"})

	// 403 for another organisation's app, 404 for a free name.
	assert.Equal(t, 403, h.do("GET", "/v1/apps/acme-web", nil).Code)
	assert.Equal(t, 403, h.do("GET", "/v1/apps/acme-web/machines", nil).Code)
	assert.Equal(t, 403, h.do("GET", "/v1/apps?org_slug=acme", nil).Code)
	assert.Equal(t, 404, h.do("GET", "/v1/apps/free-name", nil).Code)
	assert.Equal(t, 400, h.do("GET", "/v1/apps", nil).Code)

	app := h.ok("GET", "/v1/apps/web", nil).JSON()
	assert.Equal(t, "personal", app["organization"].(map[string]any)["slug"])
	assert.EqualValues(t, 0, app["machine_count"])

	// Delete: refused while machines run, unless forced.
	h.started("web")
	assert.Equal(t, 412, h.do("DELETE", "/v1/apps/web", nil).Code)
	assert.Equal(t, 202, h.ok("DELETE", "/v1/apps/web?force=true", nil).Code)
	assert.Equal(t, 404, h.do("GET", "/v1/apps/web", nil).Code)
	assert.Empty(t, h.s.w.Machines)
}

func TestMachineCreateChecks(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/machines", map[string]any{}).Code)
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/machines", map[string]any{"config": map[string]any{}}).Code)
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/machines", map[string]any{"config": map[string]any{"image": "a"}, "region": "zzz"}).Code)
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/machines", "{not json").Code)
	m := h.ok("POST", "/v1/apps/web/machines", map[string]any{"name": "one", "config": map[string]any{"image": "nginx"}}).JSON()
	assert.Regexp(t, `^[0-9a-f]{14}$`, m["id"])
	assert.Equal(t, "iad", m["region"])
	assert.Equal(t, "library/nginx", m["image_ref"].(map[string]any)["repository"])
	assert.EqualValues(t, 256, m["config"].(map[string]any)["guest"].(map[string]any)["memory_mb"])
	assert.Equal(t, 409, h.do("POST", "/v1/apps/web/machines", map[string]any{"name": "one", "config": map[string]any{"image": "nginx"}}).Code)
	assert.Equal(t, 404, h.do("GET", "/v1/apps/web/machines/00000000000000", nil).Code)
	assert.Equal(t, "machine not found", h.do("GET", "/v1/apps/web/machines/00000000000000", nil).Err())
}

func TestExec(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	h.ok("POST", "/v1/apps/web/secrets/DB_PASSWORD", map[string]any{"value": "hunter2"})
	id := h.machine("web", map[string]any{"config": map[string]any{
		"image": "app:1", "env": map[string]any{"MODE": "prod"},
		"files": []any{
			map[string]any{"guest_path": "/etc/app.conf", "raw_value": base64.StdEncoding.EncodeToString([]byte("port=8080\n"))},
			map[string]any{"guest_path": "/run/secret", "secret_name": "DB_PASSWORD"},
		},
	}})
	exec := "/v1/apps/web/machines/" + id + "/exec"
	assert.Equal(t, 412, h.do("POST", exec, map[string]any{"command": []string{"echo", "hi"}}).Code, "not started yet")
	h.settle()
	run := func(body map[string]any) (string, string, float64) {
		r := h.ok("POST", exec, body).JSON()
		return r["stdout"].(string), r["stderr"].(string), r["exit_code"].(float64)
	}
	out, _, code := run(map[string]any{"command": []string{"echo", "hello", "world"}})
	assert.Equal(t, "hello world\n", out)
	assert.Zero(t, code)
	out, _, _ = run(map[string]any{"cmd": `echo -n "a  b" 'c'`})
	assert.Equal(t, "a  b c", out)
	out, _, _ = run(map[string]any{"command": []string{"hostname"}})
	assert.Equal(t, id+"\n", out)
	out, _, _ = run(map[string]any{"command": []string{"uname"}})
	assert.Equal(t, "Linux\n", out)
	out, _, _ = run(map[string]any{"command": []string{"uname", "-a"}})
	assert.Equal(t, "Linux "+id+" 6.1.0-flyscript-sim #1 SMP x86_64 GNU/Linux\n", out)
	out, _, _ = run(map[string]any{"command": []string{"uname", "-ms", "-n"}})
	assert.Equal(t, "Linux "+id+" x86_64\n", out)
	_, errOut, code := run(map[string]any{"command": []string{"uname", "-x"}})
	assert.Equal(t, "uname: invalid option -- 'x'\n", errOut)
	assert.EqualValues(t, 1, code)
	out, _, _ = run(map[string]any{"command": []string{"/usr/bin/env"}})
	assert.Contains(t, out, "MODE=prod\n")
	assert.Contains(t, out, "FLY_MACHINE_ID="+id+"\n")
	assert.Contains(t, out, "FLY_APP_NAME=web\n")
	assert.Contains(t, out, "DB_PASSWORD=hunter2\n")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.IsIncreasing(t, lines, "sorted")
	out, _, _ = run(map[string]any{"command": []string{"cat", "/etc/app.conf", "/run/secret"}})
	assert.Equal(t, "port=8080\nhunter2", out)
	out, errOut, code = run(map[string]any{"command": []string{"cat", "/etc/passwd"}})
	assert.Empty(t, out)
	assert.Equal(t, "cat: /etc/passwd: No such file or directory\n", errOut)
	assert.EqualValues(t, 1, code)
	out, _, _ = run(map[string]any{"command": []string{"cat"}, "stdin": "piped"})
	assert.Equal(t, "piped", out)
	_, errOut, code = run(map[string]any{"command": []string{"rm", "-rf", "/"}})
	assert.EqualValues(t, 127, code)
	assert.Contains(t, errOut, "not found")
	assert.Equal(t, 400, h.do("POST", exec, map[string]any{}).Code)
	assert.Equal(t, 400, h.do("POST", exec, map[string]any{"cmd": `echo "open`}).Code)
}

func TestMetadata(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	v := h.ok("GET", base, nil).JSON()["version"]
	h.ok("POST", base+"/metadata/a", map[string]any{"value": "1"})
	h.ok("POST", base+"/metadata/b", map[string]any{"value": "2"})
	h.ok("PATCH", base+"/metadata", map[string]any{"metadata": map[string]any{"a": nil, "b": "", "c": "3", "d": "4"}, "machine_version": v})
	assert.Equal(t, map[string]any{"c": "3", "d": "4"}, h.ok("GET", base+"/metadata", nil).JSON())
	h.ok("PUT", base+"/metadata", map[string]any{"metadata": map[string]any{"e": "5"}})
	assert.Equal(t, map[string]any{"c": "3", "d": "4", "e": "5"}, h.ok("GET", base+"/metadata", nil).JSON(), "PUT does not replace")
	res := h.do("PATCH", base+"/metadata", map[string]any{"metadata": map[string]any{"x": "1"}, "machine_version": "01EEEEEEEEEEEEEEEEEEEEEEEE"})
	assert.Equal(t, 412, res.Code)
	assert.Contains(t, res.Err(), "failed_precondition")
	h.ok("DELETE", base+"/metadata/c", nil)
	assert.Equal(t, 404, h.do("GET", base+"/metadata/c", nil).Code)
	assert.Equal(t, "4", h.ok("GET", base+"/metadata/d", nil).JSON()["value"])
	assert.Equal(t, v, h.ok("GET", base, nil).JSON()["version"], "metadata makes no version")
	assert.Equal(t, 400, h.do("POST", base+"/metadata/z", map[string]any{}).Code)
}

func TestVolumes(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	vol := h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "data", "region": "ord", "size_gb": 5}).JSON()
	vid := vol["id"].(string)
	assert.True(t, strings.HasPrefix(vid, "vol_"))
	assert.Equal(t, true, vol["encrypted"])
	assert.EqualValues(t, 5, vol["snapshot_retention"])
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/volumes", map[string]any{"name": "Bad-Name"}).Code)

	mount := map[string]any{"image": "pg:16", "mounts": []any{map[string]any{"volume": vid, "path": "/data"}}}
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/machines", map[string]any{"region": "iad", "config": mount}).Code, "wrong region")
	id := h.machine("web", map[string]any{"region": "ord", "config": mount})
	h.settle()
	assert.Equal(t, id, h.ok("GET", "/v1/apps/web/volumes/"+vid, nil).JSON()["attached_machine_id"])
	assert.Equal(t, 409, h.do("POST", "/v1/apps/web/machines", map[string]any{"region": "ord", "config": mount}).Code, "already attached")
	assert.Equal(t, 409, h.do("DELETE", "/v1/apps/web/volumes/"+vid, nil).Code)

	ext := h.ok("PUT", "/v1/apps/web/volumes/"+vid+"/extend", map[string]any{"size_gb": 8}).JSON()
	assert.Equal(t, true, ext["needs_restart"])
	assert.EqualValues(t, 8, ext["volume"].(map[string]any)["size_gb"])
	assert.Equal(t, 400, h.do("PUT", "/v1/apps/web/volumes/"+vid+"/extend", map[string]any{"size_gb": 4}).Code, "only grows")
	upd := h.ok("PUT", "/v1/apps/web/volumes/"+vid, map[string]any{"auto_backup_enabled": false, "snapshot_retention": 14}).JSON()
	assert.Equal(t, false, upd["auto_backup_enabled"])

	h.ok("POST", "/v1/apps/web/volumes/"+vid+"/snapshots", nil)
	assert.Equal(t, 409, h.do("POST", "/v1/apps/web/volumes/"+vid+"/snapshots", nil).Code, "one at a time")
	snaps := h.ok("GET", "/v1/apps/web/volumes/"+vid+"/snapshots", nil).List()
	require.Len(t, snaps, 1)
	assert.Equal(t, "running", snaps[0]["status"])
	h.clk.Advance(time.Second)
	assert.Equal(t, "created", h.ok("GET", "/v1/apps/web/volumes/"+vid+"/snapshots", nil).List()[0]["status"])
	restored := h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "copy", "snapshot_id": snaps[0]["id"]}).JSON()
	assert.EqualValues(t, 8, restored["size_gb"])

	h.ok("DELETE", "/v1/apps/web/machines/"+id+"?force=true", nil)
	h.settle()
	gone := h.ok("DELETE", "/v1/apps/web/volumes/"+vid, nil).JSON()
	assert.Equal(t, "destroyed", gone["state"])
	assert.Equal(t, 404, h.do("GET", "/v1/apps/web/volumes/"+vid, nil).Code)
}

func TestSecretKeysCrypto(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	base := "/v1/apps/web/secretkeys/"
	h.ok("POST", base+"box/generate", map[string]any{"type": "xaes256gcm"})
	ct := h.ok("POST", base+"box/encrypt", map[string]any{"plaintext": []int{1, 2, 3}, "associated_data": []int{9}}).JSON()["ciphertext"]
	pt := h.ok("POST", base+"box/decrypt", map[string]any{"ciphertext": ct, "associated_data": []int{9}}).JSON()["plaintext"]
	assert.Equal(t, base64.StdEncoding.EncodeToString([]byte{1, 2, 3}), pt)
	assert.Equal(t, 400, h.do("POST", base+"box/decrypt", map[string]any{"ciphertext": ct, "associated_data": []int{8}}).Code)

	gen := h.ok("POST", base+"signer/generate", map[string]any{"type": "nacl_sign"}).JSON()
	pub, err := base64.StdEncoding.DecodeString(gen["public_key"].(string))
	require.NoError(t, err)
	assert.Len(t, pub, 32)
	sig := h.ok("POST", base+"signer/sign", map[string]any{"plaintext": []int{7, 7}}).JSON()["signature"]
	assert.Equal(t, 204, h.ok("POST", base+"signer/verify", map[string]any{"plaintext": []int{7, 7}, "signature": sig}).Code)
	assert.Equal(t, 400, h.do("POST", base+"signer/verify", map[string]any{"plaintext": []int{7, 8}, "signature": sig}).Code)
	assert.Equal(t, 400, h.do("POST", base+"signer/encrypt", map[string]any{"plaintext": []int{1}}).Code)
	assert.Equal(t, 400, h.do("POST", base+"x/generate", map[string]any{"type": "rot13"}).Code)

	list := h.ok("GET", "/v1/apps/web/secretkeys?types=nacl_sign", nil).JSON()["secret_keys"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, "signer", list[0].(map[string]any)["name"])
	h.ok("DELETE", base+"signer", nil)
	assert.Equal(t, 404, h.do("GET", base+"signer", nil).Code)
}

// Byte fields are answered as base64 strings, as the API (a Go server with
// []byte fields) writes them, and read in either form: base64 or the
// document's array of integers.
func TestSecretKeyBytesBothForms(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	base := "/v1/apps/web/secretkeys/"
	key := []byte("0123456789abcdef0123456789abcdef")
	keyInts := make([]int, len(key))
	for i, b := range key {
		keyInts[i] = int(b)
	}
	h.ok("POST", base+"ints", map[string]any{"type": "hs256", "value": keyInts})
	h.ok("POST", base+"b64", map[string]any{"type": "hs256", "value": base64.StdEncoding.EncodeToString(key)})
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("hi"))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, name := range []string{"ints", "b64"} {
		for _, pt := range []any{[]int{104, 105}, "aGk="} {
			sig := h.ok("POST", base+name+"/sign", map[string]any{"plaintext": pt}).JSON()["signature"]
			assert.Equal(t, want, sig, "%s signs %v", name, pt)
			assert.Equal(t, 204, h.ok("POST", base+name+"/verify", map[string]any{"plaintext": pt, "signature": sig}).Code)
		}
	}
	sigInts := make([]int, 0, 32)
	for _, b := range mac.Sum(nil) {
		sigInts = append(sigInts, int(b))
	}
	assert.Equal(t, 204, h.ok("POST", base+"ints/verify", map[string]any{"plaintext": "aGk=", "signature": sigInts}).Code)

	h.ok("POST", base+"box/generate", map[string]any{"type": "xaes256gcm"})
	ct := h.ok("POST", base+"box/encrypt", map[string]any{"plaintext": "aGk="}).JSON()["ciphertext"].(string)
	raw, err := base64.StdEncoding.DecodeString(ct)
	require.NoError(t, err, "ciphertext %q is base64", ct)
	ctInts := make([]int, len(raw))
	for i, b := range raw {
		ctInts[i] = int(b)
	}
	assert.Equal(t, "aGk=", h.ok("POST", base+"box/decrypt", map[string]any{"ciphertext": ctInts}).JSON()["plaintext"])

	bad := h.do("POST", base+"box/encrypt", map[string]any{"plaintext": "not base64!"})
	assert.Equal(t, 400, bad.Code)
	assert.Contains(t, string(bad.Body), "base64")
	assert.Equal(t, 400, h.do("POST", base+"box/encrypt", map[string]any{"plaintext": []int{256}}).Code)
}

func TestSecretsAndCertsAndIPs(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	r := h.ok("POST", "/v1/apps/web/secrets", map[string]any{"values": map[string]any{"A": "1", "B": "2"}}).JSON()
	assert.EqualValues(t, 1, r["version"])
	secrets := h.ok("GET", "/v1/apps/web/secrets", nil).JSON()["secrets"].([]any)
	require.Len(t, secrets, 2)
	assert.NotContains(t, secrets[0], "value")
	assert.Equal(t, "1", h.ok("GET", "/v1/apps/web/secrets/A?show_secrets=true", nil).JSON()["value"])
	assert.EqualValues(t, 2, h.ok("DELETE", "/v1/apps/web/secrets/A", nil).JSON()["version"])
	assert.Equal(t, 404, h.do("GET", "/v1/apps/web/secrets/A", nil).Code)

	c := h.ok("POST", "/v1/apps/web/certificates/acme", map[string]any{"hostname": "www.example.com"}).JSON()
	assert.Equal(t, "pending_validation", c["status"])
	assert.Equal(t, 422, h.do("POST", "/v1/apps/web/certificates/acme", map[string]any{"hostname": "not a host"}).Code)
	assert.Equal(t, "active", h.ok("POST", "/v1/apps/web/certificates/www.example.com/check", nil).JSON()["status"])
	certPEM, keyPEM := selfSigned(t, "api.example.com")
	assert.Equal(t, 422, h.do("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "other.example.com", "fullchain": certPEM, "private_key": keyPEM}).Code)
	assert.Equal(t, 422, h.do("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "api.example.com", "fullchain": "junk", "private_key": keyPEM}).Code)
	cc := h.ok("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "api.example.com", "fullchain": certPEM, "private_key": keyPEM}).JSON()
	assert.Equal(t, "custom", cc["certificates"].([]any)[0].(map[string]any)["source"])
	assert.Contains(t, h.ok("DELETE", "/v1/apps/web/certificates/api.example.com/custom", nil).JSON(), "warning")
	// The hostname stays without a certificate (fly-go's contract); only
	// DELETE .../{hostname} removes it.
	left := h.ok("GET", "/v1/apps/web/certificates/api.example.com", nil).JSON()
	assert.Empty(t, left["certificates"])
	h.ok("DELETE", "/v1/apps/web/certificates/api.example.com", nil)
	assert.Equal(t, 404, h.do("GET", "/v1/apps/web/certificates/api.example.com", nil).Code)

	// With both certificates, deleting one leaves the other (fly-go's
	// DeleteACMECertificate and DeleteCustomCertificate).
	sources := func(host string) []any {
		var out []any
		for _, c := range h.ok("GET", "/v1/apps/web/certificates/"+host, nil).JSON()["certificates"].([]any) {
			out = append(out, c.(map[string]any)["source"])
		}
		return out
	}
	wwwPEM, wwwKey := selfSigned(t, "www.example.com")
	h.ok("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "www.example.com", "fullchain": wwwPEM, "private_key": wwwKey})
	require.Len(t, sources("www.example.com"), 2)
	assert.NotContains(t, h.ok("DELETE", "/v1/apps/web/certificates/www.example.com/custom", nil).JSON(), "warning")
	assert.Equal(t, []any{"fly"}, sources("www.example.com"), "the ACME certificate stays")
	assert.Equal(t, 404, h.do("DELETE", "/v1/apps/web/certificates/www.example.com/custom", nil).Code, "no custom certificate left")
	h.ok("POST", "/v1/apps/web/certificates/custom", map[string]any{"hostname": "www.example.com", "fullchain": wwwPEM, "private_key": wwwKey})
	h.ok("DELETE", "/v1/apps/web/certificates/www.example.com/acme", nil)
	assert.Equal(t, []any{"custom"}, sources("www.example.com"), "the custom certificate stays")
	assert.Equal(t, 404, h.do("DELETE", "/v1/apps/web/certificates/www.example.com/acme", nil).Code, "no ACME certificate left")

	v4 := h.ok("POST", "/v1/apps/web/ip_assignments", map[string]any{"type": "v4"}).JSON()["ip"].(string)
	pair := h.ok("POST", "/v1/apps/web/ip_assignments", map[string]any{"type": "egress_pair", "region": "iad"}).JSON()
	assert.Contains(t, pair, "ip_pair")
	assert.Equal(t, 400, h.do("POST", "/v1/apps/web/ip_assignments", map[string]any{"type": "egress_v4"}).Code)
	assert.Len(t, h.ok("GET", "/v1/apps/web/ip_assignments", nil).JSON()["ips"], 2)
	h.ok("DELETE", "/v1/apps/web/ip_assignments/"+v4, nil)
	assert.Equal(t, 404, h.do("DELETE", "/v1/apps/web/ip_assignments/"+v4, nil).Code)
}

func TestPostgresLifecycle(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	c := h.ok("POST", "/v1/postgres", map[string]any{"org_slug": "personal", "plan": "basic", "region": "iad", "name": "db"}).JSON()["data"].(map[string]any)
	id := c["id"].(string)
	assert.Equal(t, "creating", c["status"])
	res := h.do("GET", "/v1/postgres/"+id+"/databases", nil)
	assert.Equal(t, 503, res.Code, "admin not up yet")
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
	h.clk.Advance(DefaultTimings().Postgres)
	assert.Equal(t, "ready", h.ok("GET", "/v1/postgres/"+id, nil).JSON()["data"].(map[string]any)["status"])
	h.ok("POST", "/v1/postgres/"+id+"/users", map[string]any{"username": "app", "role": "writer"})
	assert.Equal(t, 409, h.do("POST", "/v1/postgres/"+id+"/users", map[string]any{"username": "app", "role": "writer"}).Code)
	p1 := h.ok("GET", "/v1/postgres/"+id+"/users/app/credentials", nil).JSON()["data"].(map[string]any)["password"]
	p2 := h.ok("POST", "/v1/postgres/"+id+"/users/app/rotate_password", nil).JSON()["data"].(map[string]any)["password"]
	assert.NotEqual(t, p1, p2)
	assert.Equal(t, 201, h.ok("POST", "/v1/postgres/"+id+"/attachments", map[string]any{"app_name": "web"}).Code)
	assert.Equal(t, 200, h.ok("POST", "/v1/postgres/"+id+"/attachments", map[string]any{"app_name": "web"}).Code)
	assert.Contains(t, h.ok("GET", "/v1/apps/web/secrets/DATABASE_URL?show_secrets=true", nil).JSON()["value"], "postgresql://")
	h.ok("POST", "/v1/postgres/"+id+"/backups", map[string]any{"type": "full"})
	assert.Equal(t, 409, h.do("POST", "/v1/postgres/"+id+"/backups", map[string]any{"type": "full"}).Code)
	h.ok("DELETE", "/v1/postgres/"+id, nil)
	assert.Equal(t, 410, h.do("DELETE", "/v1/postgres/"+id, nil).Code)
	assert.Empty(t, h.ok("GET", "/v1/postgres?org_slug=personal", nil).JSON()["data"])
	assert.Len(t, h.ok("GET", "/v1/postgres?org_slug=personal&include_deleted=true", nil).JSON()["data"], 1)
}

func TestStartServesHTTP(t *testing.T) {
	srv, err := Start(WithTimings(InstantTimings()))
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Close()) }()
	assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	c := &http.Client{Transport: validatingTransport{t: t, base: http.DefaultTransport}}
	resp, err := c.Get(srv.URL + "/v1/platform/regions")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
}

// Sizes and files the platform refuses are 400s in the API's error shape
// (every answer of the harness is checked against the document: a 400 must
// be an ErrorResponse with its message), on create and on update alike.
func TestGuestValidationErrorShape(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.machine("web", map[string]any{"config": map[string]any{"image": "nginx"}})
	h.settle()
	for _, tc := range []struct {
		config map[string]any
		want   string
	}{
		{map[string]any{"image": "nginx", "guest": map[string]any{"cpus": 1000000}}, "invalid config.guest.cpus 1000000"},
		{map[string]any{"image": "nginx", "guest": map[string]any{"cpus": 1, "memory_mb": 1 << 40}}, "invalid config.guest.memory_mb"},
		{map[string]any{"image": "nginx", "guest": map[string]any{"memory_mb": -256}}, "invalid config.guest.memory_mb"},
		{map[string]any{"image": "nginx", "files": []any{map[string]any{"guest_path": "/x", "raw_value": "%%"}}}, "invalid config.files[0].raw_value"},
	} {
		for _, target := range []string{"/v1/apps/web/machines", "/v1/apps/web/machines/" + id} {
			res := h.do("POST", target, map[string]any{"config": tc.config})
			require.Equal(t, 400, res.Code, "%s %v: %s", target, tc.config, res.Body)
			assert.Contains(t, res.JSON()["error"], tc.want)
		}
	}
	assert.Equal(t, "nginx", h.ok("GET", "/v1/apps/web/machines/"+id, nil).JSON()["config"].(map[string]any)["image"], "a refused update changes nothing")
}
