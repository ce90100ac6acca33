package sim

import (
	"fmt"
	"net/http"
	"time"
)

// orgListQuery is what the org lists read from the query string.
type orgListQuery struct {
	filters      machineFilters
	updatedAfter time.Time
	limit        int
	cursor       string
}

// orgListParams reads the org lists' filters, updated_after, limit and
// cursor, answering 400 itself and returning false on error.
func orgListParams(w http.ResponseWriter, r *http.Request) (orgListQuery, bool) {
	var q orgListQuery
	f, ok := listFilters(w, r)
	if !ok {
		return q, false
	}
	q.filters = f
	if v := r.URL.Query().Get("updated_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid updated_after %q: want an RFC 3339 time", v))
			return q, false
		}
		q.updatedAfter = t
	}
	q.limit, q.cursor, ok = pageParams(w, r, 1000)
	return q, ok
}

// inOrg reports whether the app named appName exists and belongs to org.
func (s *Server) inOrg(appName, org string) bool {
	a := s.w.Apps[appName]
	return a != nil && a.Org == org
}

// writeOrgList answers with one page of an org list: the items under
// listKey, the last item's id under lastIDKey, the newest update time and
// the next cursor.
func writeOrgList[T any](w http.ResponseWriter, page []T, next, listKey, lastIDKey string, view func(T) (item map[string]any, id string, updated time.Time)) {
	resp := map[string]any{}
	if next != "" {
		resp["next_cursor"] = next
	}
	out := []map[string]any{}
	var last time.Time
	for _, x := range page {
		item, id, updated := view(x)
		out = append(out, item)
		if updated.After(last) {
			last = updated
		}
		resp[lastIDKey] = id
	}
	resp[listKey] = out
	if !last.IsZero() {
		resp["last_updated_at"] = rfc3339(last)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) listOrgMachines(w http.ResponseWriter, r *http.Request) {
	q, ok := orgListParams(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org_slug")
	s.withOrg(w, org, func(*orgState) {
		ms := collect(s.w.Machines, func(m *machine) bool {
			return s.inOrg(m.App, org) && q.filters.match(m) && m.UpdatedAt.After(q.updatedAfter)
		})
		ms, next := paginate(ms, machineKey, q.cursor, q.limit)
		writeOrgList(w, ms, next, "machines", "last_machine_id", func(m *machine) (map[string]any, string, time.Time) {
			cfg := m.config()
			oc := map[string]any{"image": cfg["image"], "guest": cfg["guest"]}
			if md, ok := cfg["metadata"]; ok {
				oc["metadata"] = md
			}
			return map[string]any{
				"id": m.ID, "name": m.Name, "state": displayState(m.State), "region": m.Region,
				"app_name": m.App, "private_ip": m.PrivateIP, "version": m.current().ID,
				"created_at": rfc3339(m.CreatedAt), "updated_at": rfc3339(m.UpdatedAt), "config": oc,
			}, m.ID, m.UpdatedAt
		})
	})
}

func (s *Server) listOrgVolumes(w http.ResponseWriter, r *http.Request) {
	q, ok := orgListParams(w, r)
	if !ok {
		return
	}
	org := r.PathValue("org_slug")
	s.withOrg(w, org, func(*orgState) {
		f := q.filters
		var vs []*volume
		for _, v := range s.w.Volumes {
			if !s.inOrg(v.App, org) || !v.UpdatedAt.After(q.updatedAfter) {
				continue
			}
			if (f.region != "" && v.Region != f.region) || (f.states != nil && !f.states[v.State]) {
				continue
			}
			vs = append(vs, v)
		}
		vs, next := paginate(vs, volumeKey, q.cursor, q.limit)
		writeOrgList(w, vs, next, "volumes", "last_volume_id", func(v *volume) (map[string]any, string, time.Time) {
			j := volumeView(v)
			return map[string]any{
				"id": j.ID, "name": j.Name, "state": j.State, "size_gb": j.SizeGB, "region": j.Region, "zone": j.Zone,
				"encrypted": j.Encrypted, "fstype": j.FSType, "type": j.Type, "created_at": j.CreatedAt,
				"updated_at": rfc3339(v.UpdatedAt), "app_name": v.App, "attached_machine_id": j.AttachedMachineID,
				"attached_alloc_id": j.AttachedAllocID, "block_size": j.BlockSize, "blocks": j.Blocks,
				"blocks_avail": j.BlocksAvail, "blocks_free": j.BlocksFree, "bytes_total": j.BytesTotal,
				"bytes_used": j.BytesUsed, "auto_backup_enabled": j.AutoBackupEnabled,
				"snapshot_retention": j.SnapshotRetention, "host_status": j.HostStatus,
			}, v.ID, v.UpdatedAt
		})
	})
}
