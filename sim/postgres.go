package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// Managed Postgres answers with its own error body, PostgresErrorResponse
// {"error", "status"}, where status is a short code.
func writePGError(w http.ResponseWriter, code int, msg string) {
	status := map[int]string{
		400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
		410: "gone", 422: "unprocessable_entity", 503: "unavailable",
	}[code]
	if status == "" {
		status = "error"
	}
	writeJSON(w, code, map[string]string{"error": msg, "status": status})
}

// writePGData answers with v in the Managed Postgres envelope {"data": v}.
func writePGData(w http.ResponseWriter, code int, v any) {
	writeJSON(w, code, map[string]any{"data": v})
}

// validPGRole answers 422 itself and returns false when role is not one of
// pgRoles.
func validPGRole(w http.ResponseWriter, role string) bool {
	if !pgRoles[role] {
		writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid role %q: want schema_admin, writer or reader", role))
		return false
	}
	return true
}

// writeClusterCopy makes a new cluster named name like c, with c's
// databases, and answers 201 with it: what fork and restore do.
func (s *Server) writeClusterCopy(w http.ResponseWriter, c *pgCluster, name string) {
	n := s.newCluster(c.Org, name, c.Region, c.Plan, c.PGVersion, c.DiskGB, c.PostGIS)
	n.Databases = append([]string{}, c.Databases...)
	s.commit()
	writePGData(w, http.StatusCreated, s.pgJSON(n))
}

// pgCredentials is a user's credentials as the API shows them.
func pgCredentials(u *pgUser) map[string]any {
	return map[string]any{"username": u.Name, "password": u.Password}
}

type pgPlan struct {
	cpuKind  string
	cpus     int
	memoryMB int
	replicas int
}

var pgPlans = map[string]pgPlan{
	"basic":       {"shared", 2, 1024, 0},
	"starter":     {"shared", 2, 2048, 0},
	"launch":      {"performance", 2, 8192, 1},
	"scale":       {"performance", 4, 32768, 1},
	"Performance": {"performance", 8, 65536, 1},
}

func (s *Server) pgStatus(c *pgCluster) string {
	switch {
	case !c.DeletedAt.IsZero():
		return "deleted"
	case s.clock.Now().Before(c.ReadyAt):
		return "creating"
	}
	return "ready"
}

// pgFor finds the request's cluster: 404 unknown (or another
// organisation's), 410 deleted. Called with s.mu held.
func (s *Server) pgFor(w http.ResponseWriter, r *http.Request) *pgCluster {
	c := s.w.Postgres[r.PathValue("postgres_cluster_id")]
	if c == nil || s.w.Orgs[c.Org] == nil || !s.w.Orgs[c.Org].Member {
		writePGError(w, http.StatusNotFound, "postgres cluster not found")
		return nil
	}
	if !c.DeletedAt.IsZero() {
		writePGError(w, http.StatusGone, "postgres cluster has been deleted")
		return nil
	}
	s.touchFor(r, kindPostgres, c.ID)
	return c
}

// pgReadyFor is pgFor for operations that need the cluster's admin service:
// 503 with Retry-After while the cluster is still being created.
func (s *Server) pgReadyFor(w http.ResponseWriter, r *http.Request) *pgCluster {
	c := s.pgFor(w, r)
	if c != nil && s.pgStatus(c) != "ready" {
		secs := int(c.ReadyAt.Sub(s.clock.Now())/time.Second) + 1
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writePGError(w, http.StatusServiceUnavailable, "postgres admin is not available yet: the cluster is still being created")
		return nil
	}
	return c
}

func (s *Server) pgJSON(c *pgCluster) map[string]any {
	p := pgPlans[c.Plan]
	o := s.w.Orgs[c.Org]
	return map[string]any{
		"id": c.ID, "name": c.Name, "region": c.Region, "plan": c.Plan, "status": s.pgStatus(c),
		"pg_major_version": c.PGVersion, "disk_size_gb": c.DiskGB, "cpu_kind": p.cpuKind, "cpus": p.cpus,
		"memory_mb": p.memoryMB, "replicas": p.replicas, "postgis_enabled": c.PostGIS,
		"created_at": c.CreatedAt.UTC().Format(time.RFC3339), "attached_apps": pgAttached(c),
		"organization": map[string]any{"name": o.Name, "slug": o.Slug},
		"endpoints": map[string]any{"primary": map[string]any{
			"direct": map[string]any{"host": c.Host, "port": 5432},
			"pooler": map[string]any{"host": "pgbouncer." + c.Host, "port": 6432},
		}},
		"storage_provisioned_bytes": int64(c.DiskGB) << 30,
		"storage_used_bytes":        int64(40) << 20,
	}
}

func pgAttached(c *pgCluster) []map[string]any {
	out := []map[string]any{}
	for _, n := range sortedKeys(c.Attached) {
		out = append(out, map[string]any{"name": n})
	}
	return out
}

func (s *Server) newCluster(org, name, region, plan, version string, disk int, postgis bool) *pgCluster {
	now := s.clock.Now()
	id := s.ids.alnum(16)
	if name == "" {
		name = "pg-" + s.ids.alnum(6)
	}
	c := &pgCluster{
		ID: id, Name: name, Org: org, Region: region, Plan: plan, PGVersion: version, DiskGB: disk,
		PostGIS: postgis, CreatedAt: now, ReadyAt: now.Add(s.cfg.timings.Postgres), Seq: s.w.nextSeq(),
		Attached: map[string]time.Time{}, Databases: []string{"fly-db"}, Extensions: map[string][]string{},
		Users: map[string]*pgUser{"fly-user": {Name: "fly-user", Role: "schema_admin", Password: s.ids.alnum(24)}},
		Host:  "direct." + id + ".flympg.net",
	}
	s.w.Postgres[id] = c
	s.touch(kindPostgres, id)
	return c
}

func (s *Server) createPostgres(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OrgSlug        string `json:"org_slug"`
		Plan           string `json:"plan"`
		Region         string `json:"region"`
		Name           string `json:"name"`
		DiskSizeGB     *int   `json:"disk_size_gb"`
		PGMajorVersion string `json:"pg_major_version"`
		PostGIS        bool   `json:"postgis_enabled"`
		PoolMode       string `json:"pool_mode"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.OrgSlug == "" || req.Plan == "" || req.Region == "" {
		writePGError(w, http.StatusBadRequest, "org_slug, plan and region are required")
		return
	}
	if _, ok := pgPlans[req.Plan]; !ok {
		writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid plan %q", req.Plan))
		return
	}
	if !knownRegion(req.Region) {
		writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid region %q", req.Region))
		return
	}
	disk := 10
	if req.DiskSizeGB != nil {
		disk = *req.DiskSizeGB
	}
	if disk < 10 || disk > 1000 {
		writePGError(w, http.StatusUnprocessableEntity, "invalid disk_size_gb: want 10 to 1000")
		return
	}
	switch req.PGMajorVersion {
	case "":
		req.PGMajorVersion = "17"
	case "16", "17":
	default:
		writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid pg_major_version %q: want 16 or 17", req.PGMajorVersion))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.w.Orgs[req.OrgSlug]; o == nil || !o.Member {
		writePGError(w, http.StatusNotFound, "organization not found")
		return
	}
	c := s.newCluster(req.OrgSlug, req.Name, req.Region, req.Plan, req.PGMajorVersion, disk, req.PostGIS)
	s.commit()
	writePGData(w, http.StatusCreated, s.pgJSON(c))
}

func (s *Server) listPostgres(w http.ResponseWriter, r *http.Request) {
	slug := r.URL.Query().Get("org_slug")
	if slug == "" {
		writePGError(w, http.StatusBadRequest, "org_slug is required")
		return
	}
	inclDeleted, err := boolQuery(r, "include_deleted")
	if err != nil {
		writePGError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.w.Orgs[slug]; o == nil || !o.Member {
		writePGError(w, http.StatusNotFound, "organization not found")
		return
	}
	cs := collect(s.w.Postgres, func(c *pgCluster) bool { return c.Org == slug && (inclDeleted || c.DeletedAt.IsZero()) })
	sort.Slice(cs, func(i, j int) bool { return cs[i].Seq < cs[j].Seq })
	out := []map[string]any{}
	for _, c := range cs {
		j := map[string]any{
			"id": c.ID, "name": c.Name, "region": c.Region, "plan": c.Plan, "status": s.pgStatus(c),
			"created_at": c.CreatedAt.UTC().Format(time.RFC3339), "attached_apps": pgAttached(c),
		}
		if !c.DeletedAt.IsZero() {
			j["deleted_at"] = rfc3339(c.DeletedAt)
		}
		out = append(out, j)
	}
	writePGData(w, http.StatusOK, out)
}

func (s *Server) showPostgres(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.w.Postgres[r.PathValue("postgres_cluster_id")]
	if c == nil || !s.w.Orgs[c.Org].Member {
		writePGError(w, http.StatusNotFound, "postgres cluster not found")
		return
	}
	writePGData(w, http.StatusOK, s.pgJSON(c))
}

func (s *Server) deletePostgres(w http.ResponseWriter, r *http.Request) {
	s.withPG(w, r, func(c *pgCluster) {
		c.DeletedAt = s.clock.Now()
		c.Attached = map[string]time.Time{}
		s.commitAnswer(w, http.StatusAccepted, nil)
	})
}

func (s *Server) attachPostgres(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AppName string `json:"app_name"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	s.withPG(w, r, func(c *pgCluster) {
		a := s.w.Apps[req.AppName]
		if a == nil || a.Org != c.Org {
			writePGError(w, http.StatusNotFound, "app not found")
			return
		}
		code := http.StatusOK
		if _, ok := c.Attached[a.Name]; !ok {
			now := s.clock.Now()
			c.Attached[a.Name] = now
			if a.Secrets["DATABASE_URL"] == nil {
				u := c.Users["fly-user"]
				pw := ""
				if u != nil {
					pw = u.Password
				}
				a.Secrets["DATABASE_URL"] = &secret{Name: "DATABASE_URL", Value: fmt.Sprintf("postgresql://fly-user:%s@pgbouncer.%s:6432/fly-db", pw, c.Host), CreatedAt: now, UpdatedAt: now}
				a.SecretsVersion++
				s.touch(kindApp, a.Name)
			}
			code = http.StatusCreated
			s.commit()
		}
		writePGData(w, code, map[string]any{
			"app_name": a.Name, "postgres_cluster_id": c.ID, "attached_at": rfc3339(c.Attached[a.Name]),
		})
	})
}

func (s *Server) detachPostgres(w http.ResponseWriter, r *http.Request) {
	s.withPG(w, r, func(c *pgCluster) {
		if _, ok := c.Attached[r.PathValue("app_name")]; !ok {
			writePGError(w, http.StatusNotFound, "attachment not found")
			return
		}
		delete(c.Attached, r.PathValue("app_name"))
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) backupStatus(b *pgBackup) string {
	if s.clock.Now().Before(b.DoneAt) {
		return "running"
	}
	return "completed"
}

func (s *Server) listBackups(w http.ResponseWriter, r *http.Request) {
	s.withPG(w, r, func(c *pgCluster) {
		out := []map[string]any{}
		for i := len(c.Backups) - 1; i >= 0; i-- {
			b := c.Backups[i]
			j := map[string]any{"id": b.ID, "type": b.Type, "status": s.backupStatus(b), "started_at": rfc3339(b.StartedAt), "size_bytes": b.SizeBytes}
			if s.backupStatus(b) == "completed" {
				j["finished_at"] = rfc3339(b.DoneAt)
			}
			out = append(out, j)
		}
		writePGData(w, http.StatusOK, out)
	})
}

func (s *Server) createBackup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type string `json:"type"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	switch req.Type {
	case "full", "incr", "diff":
	default:
		writePGError(w, http.StatusBadRequest, fmt.Sprintf("invalid type %q: want full, incr or diff", req.Type))
		return
	}
	s.withPG(w, r, func(c *pgCluster) {
		for _, b := range c.Backups {
			if s.backupStatus(b) == "running" {
				writePGError(w, http.StatusConflict, "a backup is already running")
				return
			}
		}
		now := s.clock.Now()
		c.Backups = append(c.Backups, &pgBackup{ID: s.ids.ulid(now), Type: req.Type, StartedAt: now, DoneAt: now.Add(s.cfg.timings.Backup), SizeBytes: 24 << 20})
		s.commitAnswer(w, http.StatusAccepted, nil)
	})
}

func (s *Server) listDatabases(w http.ResponseWriter, r *http.Request) {
	s.withReadyPG(w, r, func(c *pgCluster) {
		out := []map[string]any{}
		for _, d := range c.Databases {
			out = append(out, map[string]any{"name": d})
		}
		writePGData(w, http.StatusOK, out)
	})
}

func hasString(xs []string, x string) bool { return contains(xs, x) }

func (s *Server) createDatabase(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if !pgNameRE().MatchString(req.Name) {
		writePGError(w, http.StatusBadRequest, fmt.Sprintf("invalid database name %q", req.Name))
		return
	}
	s.withReadyPG(w, r, func(c *pgCluster) {
		if hasString(c.Databases, req.Name) {
			writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("database %q already exists", req.Name))
			return
		}
		c.Databases = append(c.Databases, req.Name)
		s.commit()
		writePGData(w, http.StatusCreated, map[string]any{"name": req.Name})
	})
}

func (s *Server) deleteDatabase(w http.ResponseWriter, r *http.Request) {
	s.withReadyPG(w, r, func(c *pgCluster) {
		name := r.PathValue("database_name")
		for i, d := range c.Databases {
			if d == name {
				c.Databases = append(c.Databases[:i], c.Databases[i+1:]...)
				delete(c.Extensions, name)
				s.commit()
				writePGData(w, http.StatusOK, map[string]any{"name": name})
				return
			}
		}
		writePGError(w, http.StatusNotFound, "database not found")
	})
}

// pgExtensions is the catalog of extensions a simulated cluster offers.
var pgExtensions = []struct{ name, version, desc string }{
	{"citext", "1.6", "data type for case-insensitive character strings"},
	{"hstore", "1.8", "data type for storing sets of (key, value) pairs"},
	{"pg_stat_statements", "1.10", "track planning and execution statistics of all SQL statements executed"},
	{"pg_trgm", "1.6", "text similarity measurement and index searching based on trigrams"},
	{"pgcrypto", "1.3", "cryptographic functions"},
	{"postgis", "3.5.0", "PostGIS geometry and geography spatial types and functions"},
	{"uuid-ossp", "1.1", "generate universally unique identifiers (UUIDs)"},
	{"vector", "0.8.0", "vector data type and ivfflat and hnsw access methods"},
}

// pgDatabase finds the path's database of a ready cluster.
func (s *Server) pgDatabase(w http.ResponseWriter, r *http.Request) (*pgCluster, string) {
	c := s.pgReadyFor(w, r)
	if c == nil {
		return nil, ""
	}
	db := r.PathValue("database_name")
	if !hasString(c.Databases, db) {
		writePGError(w, http.StatusNotFound, "database not found")
		return nil, ""
	}
	return c, db
}

func (s *Server) listExtensions(w http.ResponseWriter, r *http.Request) {
	s.withPGDatabase(w, r, func(c *pgCluster, db string) {
		out := []map[string]any{}
		for _, e := range pgExtensions {
			j := map[string]any{"name": e.name, "default_version": e.version, "description": e.desc, "system": false, "installed": nil}
			if hasString(c.Extensions[db], e.name) {
				j["installed"] = map[string]any{"schema": "public", "version": e.version}
			}
			out = append(out, j)
		}
		writePGData(w, http.StatusOK, out)
	})
}

func (s *Server) enableExtension(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name         string `json:"name"`
		Schema       string `json:"schema"`
		CreateSchema bool   `json:"create_schema"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	known := false
	for _, e := range pgExtensions {
		known = known || e.name == req.Name
	}
	if !known {
		writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("extension %q is not available", req.Name))
		return
	}
	s.withPGDatabase(w, r, func(c *pgCluster, db string) {
		if hasString(c.Extensions[db], req.Name) {
			writePGError(w, http.StatusConflict, fmt.Sprintf("extension %q is already enabled", req.Name))
			return
		}
		c.Extensions[db] = append(c.Extensions[db], req.Name)
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) disableExtension(w http.ResponseWriter, r *http.Request) {
	if _, err := boolQuery(r, "force"); err != nil {
		writePGError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.withPGDatabase(w, r, func(c *pgCluster, db string) {
		name := r.PathValue("extension_name")
		for i, e := range c.Extensions[db] {
			if e == name {
				c.Extensions[db] = append(c.Extensions[db][:i], c.Extensions[db][i+1:]...)
				s.commitAnswer(w, http.StatusNoContent, nil)
				return
			}
		}
		writePGError(w, http.StatusNotFound, fmt.Sprintf("extension %q is not enabled", name))
	})
}

func (s *Server) forkPostgres(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	s.withPG(w, r, func(c *pgCluster) {
		if s.pgStatus(c) != "ready" {
			writePGError(w, http.StatusConflict, "the cluster cannot be forked while it is being created")
			return
		}
		s.writeClusterCopy(w, c, req.Name)
	})
}

func (s *Server) restorePostgres(w http.ResponseWriter, r *http.Request) {
	var req struct {
		BackupID string `json:"backup_id"`
		PITRTime string `json:"pitr_time"`
		Name     string `json:"name"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if (req.BackupID == "") == (req.PITRTime == "") {
		writePGError(w, http.StatusUnprocessableEntity, "give exactly one of backup_id and pitr_time")
		return
	}
	if req.PITRTime != "" {
		if _, err := time.Parse(time.RFC3339, req.PITRTime); err != nil {
			writePGError(w, http.StatusBadRequest, "invalid pitr_time: want an RFC 3339 time")
			return
		}
	}
	s.withPG(w, r, func(c *pgCluster) {
		if req.BackupID != "" {
			found := false
			for _, b := range c.Backups {
				found = found || (b.ID == req.BackupID && s.backupStatus(b) == "completed")
			}
			if !found {
				writePGError(w, http.StatusNotFound, "backup not found")
				return
			}
		}
		s.writeClusterCopy(w, c, req.Name)
	})
}

func (s *Server) activeQueries(w http.ResponseWriter, r *http.Request) {
	db := r.URL.Query().Get("database")
	if db == "" {
		writePGError(w, http.StatusUnprocessableEntity, "database is required")
		return
	}
	s.withPG(w, r, func(c *pgCluster) {
		if !hasString(c.Databases, db) {
			writePGError(w, http.StatusNotFound, "database not found")
			return
		}
		writePGData(w, http.StatusOK, []map[string]any{{
			"pid": 4242, "database": db, "user": "fly-user", "application_name": "psql", "client": "fdaa:0:1::2",
			"state": "active", "query": "SELECT 1", "duration_seconds": 0.002, "state_duration_seconds": 0.002,
			"wait_event": "", "wait_event_type": "",
		}})
	})
}

func (s *Server) slowQueries(w http.ResponseWriter, r *http.Request) {
	if v := r.URL.Query().Get("range"); v != "" {
		if _, err := time.ParseDuration(v); err != nil {
			writePGError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid range %q: want a duration such as 24h", v))
			return
		}
	}
	s.withPG(w, r, func(c *pgCluster) {
		out := []map[string]any{}
		for i, db := range c.Databases {
			out = append(out, map[string]any{
				"query_id": strconv.Itoa(1000 + i), "database": db, "user": "fly-user", "calls": 12,
				"query": "SELECT * FROM pg_sleep($1)", "mean_exec_time_seconds": 1.5, "max_exec_time_seconds": 2.5,
				"total_exec_time_seconds": 18.0,
			})
		}
		writePGData(w, http.StatusOK, out)
	})
}

// pgNameRE is what database and user names may be.
var pgNameRE = lazyre.New(`^[a-z_][a-z0-9_-]{0,62}$`)

var pgRoles = map[string]bool{"schema_admin": true, "writer": true, "reader": true}

func (s *Server) listPGUsers(w http.ResponseWriter, r *http.Request) {
	s.withReadyPG(w, r, func(c *pgCluster) {
		out := []map[string]any{}
		for _, n := range sortedKeys(c.Users) {
			out = append(out, map[string]any{"username": n, "role": c.Users[n].Role})
		}
		writePGData(w, http.StatusOK, out)
	})
}

func (s *Server) createPGUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Username string `json:"username"`
		Role     string `json:"role"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if !pgNameRE().MatchString(req.Username) {
		writePGError(w, http.StatusBadRequest, fmt.Sprintf("invalid username %q", req.Username))
		return
	}
	if !validPGRole(w, req.Role) {
		return
	}
	s.withReadyPG(w, r, func(c *pgCluster) {
		if c.Users[req.Username] != nil {
			writePGError(w, http.StatusConflict, fmt.Sprintf("user %q already exists", req.Username))
			return
		}
		c.Users[req.Username] = &pgUser{Name: req.Username, Role: req.Role, Password: s.ids.alnum(24)}
		s.commit()
		writePGData(w, http.StatusCreated, map[string]any{"username": req.Username, "role": req.Role})
	})
}

func (s *Server) pgUserFor(w http.ResponseWriter, r *http.Request) (*pgCluster, *pgUser) {
	c := s.pgReadyFor(w, r)
	if c == nil {
		return nil, nil
	}
	u := c.Users[r.PathValue("username")]
	if u == nil {
		writePGError(w, http.StatusNotFound, "user not found")
		return nil, nil
	}
	return c, u
}

func (s *Server) deletePGUser(w http.ResponseWriter, r *http.Request) {
	s.withPGUser(w, r, func(c *pgCluster, u *pgUser) {
		delete(c.Users, u.Name)
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) updatePGUserRole(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Role string `json:"role"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if !validPGRole(w, req.Role) {
		return
	}
	s.withPGUser(w, r, func(_ *pgCluster, u *pgUser) {
		u.Role = req.Role
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) pgUserCredentials(w http.ResponseWriter, r *http.Request) {
	s.withPGUser(w, r, func(_ *pgCluster, u *pgUser) {
		writePGData(w, http.StatusOK, pgCredentials(u))
	})
}

func (s *Server) rotatePGPassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		KillSessions bool `json:"kill_sessions"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	s.withPGUser(w, r, func(_ *pgCluster, u *pgUser) {
		u.Password = s.ids.alnum(24)
		s.commit()
		writePGData(w, http.StatusOK, pgCredentials(u))
	})
}
