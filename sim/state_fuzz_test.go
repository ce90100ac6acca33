package sim

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadState feeds the loader a state file and a journal. Either New
// reports a *StateError (or an I/O error), or the loaded simulator answers
// reads of everything it holds, and a write, without a panic or a 5xx.
// Seeds: a real state file, the hand edits of TestBadStateFiles, journals.
// Long runs: scripts/fuzz.sh.
func FuzzLoadState(f *testing.F) {
	good := validState(f)
	f.Add(good, []byte(""))
	s := string(good)
	for _, edit := range []func(string) string{
		func(s string) string { return strings.Replace(s, `"orgs": {`, `"orgs": null, "o": {`, 1) },
		func(s string) string { return strings.Replace(s, `"versions": [`, `"versions": [null, `, 1) },
		func(s string) string { return strings.Replace(s, `"events": [`, `"events": null, "e": [`, 1) },
		func(s string) string { return strings.Replace(s, `"state": "started"`, `"state": "stopping"`, 1) },
		func(s string) string {
			return strings.Replace(s, `"secrets": {`, `"secrets": {"X": null, "Y": {}, "Z": `, 1)
		},
		func(s string) string {
			return strings.Replace(s, `"format": 1`, `"format": 1, "postgres": {"p": {"id": "p", "org": "personal", "users": {"u": {}}}}`, 1)
		},
		func(s string) string { return s[:len(s)/3] },
	} {
		f.Add([]byte(edit(s)), []byte(""))
	}
	f.Add(good, []byte(`{"n":100,"seq":3,"apps":{"web":null}}`+"\n"))
	f.Add(good, []byte(`{"n":100,"seq":3,"machines":{"3f64b20e40b65a":{"id":"3f64b20e40b65a","app":"web","state":"started","versions":[{"id":"v"}],"events":[{"id":"e"}]}}}`+"\n{\"n\":10"))
	f.Add([]byte(""), []byte(`{"n":1,"seq":1,"apps":{"a":{"name":"a","org":"personal"}}}`+"\n"))
	f.Fuzz(func(t *testing.T, snap, journal []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "state.json")
		if len(snap) > 0 {
			if err := os.WriteFile(path, snap, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if len(journal) > 0 {
			if err := os.WriteFile(journalPath(path), journal, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		srv := New(WithStateFile(path), WithTimings(InstantTimings()), WithClock(NewFakeClock(t0)), withoutSync())
		defer srv.Close()
		if srv.Err() != nil {
			return
		}
		get := func(method, target, body string) {
			r := httptest.NewRequest(method, target, strings.NewReader(body))
			r.Header.Set("Authorization", "Bearer sim")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, r)
			if rec.Code >= 500 {
				t.Fatalf("%s %s: %d %s", method, target, rec.Code, rec.Body)
			}
		}
		srv.mu.Lock()
		var apps, machines, vols, pgs [][2]string
		for _, a := range srv.w.Apps {
			apps = append(apps, [2]string{a.Name})
			for n := range a.SecretKeys {
				apps = append(apps, [2]string{a.Name, n})
			}
		}
		for _, m := range srv.w.Machines {
			machines = append(machines, [2]string{m.App, m.ID})
		}
		for _, v := range srv.w.Volumes {
			vols = append(vols, [2]string{v.App, v.ID})
		}
		for _, c := range srv.w.Postgres {
			pgs = append(pgs, [2]string{c.ID})
		}
		srv.mu.Unlock()
		get("GET", "/v1/apps?org_slug=personal", "")
		get("GET", "/v1/orgs/personal/machines", "")
		get("GET", "/v1/orgs/personal/volumes", "")
		get("GET", "/v1/postgres?org_slug=personal", "")
		for _, a := range apps {
			base := "/v1/apps/" + a[0]
			if a[1] != "" {
				get("POST", base+"/secretkeys/"+a[1]+"/sign", `{"plaintext":"aGk="}`)
				get("POST", base+"/secretkeys/"+a[1]+"/encrypt", `{"plaintext":"aGk="}`)
				continue
			}
			for _, p := range []string{"", "/machines?include_deleted=true", "/volumes", "/secrets", "/secretkeys", "/certificates", "/ip_assignments"} {
				get("GET", base+p, "")
			}
			get("POST", base+"/machines", `{"config":{"image":"nginx"}}`)
		}
		for _, m := range machines {
			base := "/v1/apps/" + m[0] + "/machines/" + m[1]
			for _, p := range []string{"", "/events", "/versions", "/metadata", "/lease", "/memory", "/ps"} {
				get("GET", base+p, "")
			}
			get("POST", base+"/exec", `{"command":["env"]}`)
			get("POST", base+"/stop", "")
		}
		for _, v := range vols {
			get("GET", "/v1/apps/"+v[0]+"/volumes/"+v[1], "")
			get("GET", "/v1/apps/"+v[0]+"/volumes/"+v[1]+"/snapshots", "")
		}
		for _, c := range pgs {
			for _, p := range []string{"", "/users", "/databases", "/backups"} {
				get("GET", "/v1/postgres/"+c[0]+p, "")
			}
		}
		for _, a := range apps {
			if a[1] == "" {
				get("DELETE", "/v1/apps/"+a[0]+"?force=true", "")
			}
		}
	})
}
