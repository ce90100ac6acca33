package sim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// appFor finds the request's app, answering 404 (no such app) or 403
// (another organisation's app) itself. Called with s.mu held.
func (s *Server) appFor(w http.ResponseWriter, r *http.Request) *app {
	a := s.w.Apps[r.PathValue("app_name")]
	if a == nil {
		writeError(w, http.StatusNotFound, "app not found")
		return nil
	}
	if o := s.w.Orgs[a.Org]; o == nil || !o.Member {
		writeError(w, http.StatusForbidden, "unauthorized: app belongs to an organization this token cannot access")
		return nil
	}
	s.touchFor(r, kindApp, a.Name)
	return a
}

// appObject finds the request's app (answering 404/403 itself, as appFor
// does), then the object get returns for it, answering 404 "<what> not found"
// itself when get finds none.
func appObject[T any](s *Server, w http.ResponseWriter, r *http.Request, what string, get func(a *app) *T) (*app, *T) {
	a := s.appFor(w, r)
	if a == nil {
		return nil, nil
	}
	x := get(a)
	if x == nil {
		writeError(w, http.StatusNotFound, what+" not found")
		return nil, nil
	}
	return a, x
}

// appMember is appObject for the objects kept outside their app (machines,
// volumes): objs[{param}] when owner says it belongs to the request's app.
// A request that changes state marks the object it found (touchFor).
func appMember[T any](s *Server, w http.ResponseWriter, r *http.Request, what string, kind objKind, objs map[string]*T, param string, owner func(*T) string) (*app, *T) {
	return appObject(s, w, r, what, func(a *app) *T {
		id := r.PathValue(param)
		if x := objs[id]; x != nil && owner(x) == a.Name {
			s.touchFor(r, kind, id)
			return x
		}
		return nil
	})
}

// orgFor finds an organisation by slug, answering 404 or 403 itself.
func (s *Server) orgFor(w http.ResponseWriter, slug string) *orgState {
	o := s.w.Orgs[slug]
	if o == nil {
		writeError(w, http.StatusNotFound, "organization not found")
		return nil
	}
	if !o.Member {
		writeError(w, http.StatusForbidden, "unauthorized: token cannot access organization "+slug)
		return nil
	}
	return o
}

func (s *Server) newApp(name, org, network string, now time.Time) *app {
	if network == "" {
		network = "default"
	}
	return &app{
		ID: name, Name: name, Org: org, Network: network,
		NumericID: 700000 + s.w.nextSeq(), CreatedAt: now, Seq: s.w.Seq,
		Secrets: map[string]*secret{}, SecretKeys: map[string]*secretKey{}, Certs: map[string]*cert{},
	}
}

type appJSON struct {
	ID                string     `json:"id"`
	Name              string     `json:"name"`
	Status            string     `json:"status"`
	Organization      appOrgJSON `json:"organization"`
	Network           string     `json:"network"`
	NetworkCIDR       string     `json:"network_cidr"`
	MachineCount      int        `json:"machine_count"`
	VolumeCount       int        `json:"volume_count"`
	InternalNumericID int64      `json:"internal_numeric_id"`
	AppRole           string     `json:"app_role,omitempty"`
}

type appOrgJSON struct {
	Name              string `json:"name"`
	Slug              string `json:"slug"`
	InternalNumericID int64  `json:"internal_numeric_id"`
}

func (s *Server) appJSON(a *app) appJSON {
	o := s.w.Orgs[a.Org]
	machines, volumes := 0, 0
	for _, m := range s.w.Machines {
		if m.App == a.Name && m.State != "destroyed" {
			machines++
		}
	}
	for _, v := range s.w.Volumes {
		if v.App == a.Name {
			volumes++
		}
	}
	status := "pending"
	if machines > 0 {
		status = "deployed"
	}
	return appJSON{
		ID: a.ID, Name: a.Name, Status: status,
		Organization: appOrgJSON{Name: o.Name, Slug: o.Slug, InternalNumericID: o.NumericID},
		Network:      a.Network, NetworkCIDR: fmt.Sprintf("fdaa:0:%x::/48", a.NumericID%0xffff),
		MachineCount: machines, VolumeCount: volumes, InternalNumericID: a.NumericID,
		AppRole: a.Role,
	}
}

var appNameRE = lazyre.New(`^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$`)

func (s *Server) createApp(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name             string `json:"name"`
		AppName          string `json:"app_name"` // the docs' example spelling
		OrgSlug          string `json:"org_slug"`
		Network          string `json:"network"`
		EnableSubdomains bool   `json:"enable_subdomains"`
		IdempotencyKey   string `json:"idempotency_key"`
		AppRoleID        string `json:"app_role_id"` // not in the document; fly-go sends it
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.Name == "" {
		req.Name = req.AppName
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Name == "" {
		writeError(w, http.StatusBadRequest, "name is required")
		return
	}
	if !appNameRE().MatchString(req.Name) {
		writeError(w, http.StatusBadRequest, "invalid app name: use lower-case letters, digits and dashes (2 to 63 characters)")
		return
	}
	if req.OrgSlug == "" {
		writeError(w, http.StatusBadRequest, "org_slug is required")
		return
	}
	if s.orgFor(w, req.OrgSlug) == nil {
		return
	}
	if req.IdempotencyKey != "" {
		for _, a := range s.w.Apps {
			if a.IdempotencyKey == req.IdempotencyKey && a.Org == req.OrgSlug {
				if a.Name != req.Name {
					writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("idempotency_key was already used to create app %q", a.Name))
					return
				}
				writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "created_at": a.CreatedAt.Unix()})
				return
			}
		}
	}
	if _, taken := s.w.Apps[req.Name]; taken {
		writeErrorStatus(w, http.StatusUnprocessableEntity, "Name has already been taken", "name_taken")
		return
	}
	a := s.newApp(req.Name, req.OrgSlug, req.Network, s.clock.Now())
	a.IdempotencyKey = req.IdempotencyKey
	a.Role = req.AppRoleID
	s.w.Apps[a.Name] = a
	s.touch(kindApp, a.Name)
	s.commitAnswer(w, http.StatusCreated, map[string]any{"id": a.ID, "created_at": a.CreatedAt.Unix()})
}

func (s *Server) listApps(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	slug, role := q.Get("org_slug"), q.Get("app_role")
	if slug == "" {
		writeError(w, http.StatusBadRequest, "org_slug is required")
		return
	}
	limit, after, ok := pageParams(w, r, 5000)
	if !ok {
		return
	}
	s.withOrg(w, slug, func(*orgState) {
		var names []string
		for _, a := range s.w.Apps {
			if a.Org == slug && (role == "" || a.Role == role) {
				names = append(names, a.Name)
			}
		}
		total := len(names)
		names, next := paginate(names, func(n string) string { return n }, after, limit)
		apps := make([]appJSON, 0, len(names))
		for _, n := range names {
			apps = append(apps, s.appJSON(s.w.Apps[n]))
		}
		resp := map[string]any{"apps": apps, "total_apps": total}
		if next != "" {
			resp["next_cursor"] = next
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

func (s *Server) showApp(w http.ResponseWriter, r *http.Request) {
	s.withApp(w, r, func(a *app) {
		writeJSON(w, http.StatusOK, s.appJSON(a))
	})
}

func (s *Server) deleteApp(w http.ResponseWriter, r *http.Request) {
	force, ok := boolParam(w, r, "force")
	if !ok {
		return
	}
	s.withApp(w, r, func(a *app) {
		running := 0
		for _, m := range s.w.Machines {
			if m.App == a.Name {
				switch m.State { // a machine on its way out does not count
				case "stopped", "created", "suspended", "failed", "destroying", "destroyed":
				default:
					running++
				}
			}
		}
		if running > 0 && !force {
			writeError(w, http.StatusPreconditionFailed, fmt.Sprintf("failed_precondition: app has %d machines that are not stopped; stop them first or use force=true", running))
			return
		}
		for id, m := range s.w.Machines {
			if m.App == a.Name {
				s.stopTimer(id)
				delete(s.w.Machines, id)
				s.touch(kindMachine, id)
			}
		}
		for id, v := range s.w.Volumes {
			if v.App == a.Name {
				delete(s.w.Volumes, id)
				s.touch(kindVolume, id)
			}
		}
		for _, c := range s.w.Postgres {
			if _, ok := c.Attached[a.Name]; ok {
				delete(c.Attached, a.Name)
				s.touch(kindPostgres, c.ID)
			}
		}
		delete(s.w.Apps, a.Name)
		s.commitAnswer(w, http.StatusAccepted, nil)
	})
}

func (s *Server) createDeployToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Expiry string `json:"expiry"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	if req.Expiry != "" {
		if _, err := time.ParseDuration(req.Expiry); err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid expiry %q: want a duration such as 720h", req.Expiry))
			return
		}
	}
	s.withApp(w, r, func(*app) {
		tok := "FlyV1 fm2_" + base64.RawStdEncoding.EncodeToString(s.ids.bytes(48))
		writeJSON(w, http.StatusOK, map[string]any{"token": tok})
	})
}

// limitParam reads ?limit= (1..max); 0 means absent.
func limitParam(w http.ResponseWriter, r *http.Request, maxLimit int) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid limit %q: want a number from 1 to %d", v, maxLimit))
		return 0, false
	}
	return n, true
}

// pageParams reads a list's limit (1..maxLimit, 0 when absent) and cursor,
// answering 400 itself and returning false on error.
func pageParams(w http.ResponseWriter, r *http.Request, maxLimit int) (limit int, after string, ok bool) {
	if limit, ok = limitParam(w, r, maxLimit); !ok {
		return 0, "", false
	}
	after, ok = cursorParam(w, r)
	return limit, after, ok
}

// Cursors are opaque to clients: the key of the last item of the previous
// page, base64-encoded. They do not expire.
func encodeCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + key))
}

func cursorParam(w http.ResponseWriter, r *http.Request) (string, bool) {
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return "", true
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || !strings.HasPrefix(string(b), "c1:") {
		writeError(w, http.StatusBadRequest, "invalid cursor")
		return "", false
	}
	return strings.TrimPrefix(string(b), "c1:"), true
}

// seqKey makes a cursor key that sorts by creation order.
func seqKey(seq int64) string { return fmt.Sprintf("%016d", seq) }

// paginate sorts items by their cursor key, drops those up to and including
// the key after (from cursorParam; "" for the first page) and cuts the rest
// to limit (0: no limit). next is the cursor of the following page, "" on
// the last one.
func paginate[T any](items []T, key func(T) string, after string, limit int) (page []T, next string) {
	sort.Slice(items, func(i, j int) bool { return key(items[i]) < key(items[j]) })
	page = items
	if after != "" {
		page = items[sort.Search(len(items), func(i int) bool { return key(items[i]) > after }):]
	}
	if limit > 0 && len(page) > limit {
		page = page[:limit]
		next = encodeCursor(key(page[len(page)-1]))
	}
	return page, next
}

func machineKey(m *machine) string { return seqKey(m.Seq) }
func volumeKey(v *volume) string   { return seqKey(v.Seq) }
