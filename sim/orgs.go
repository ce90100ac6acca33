package sim

import (
	"fmt"
	"net/http"
	"time"
)

// orgListParams reads the org lists' updated_after, limit and cursor.
func orgListParams(w http.ResponseWriter, r *http.Request) (time.Time, int, string, bool) {
	var after time.Time
	if v := r.URL.Query().Get("updated_after"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid updated_after %q: want an RFC 3339 time", v))
			return after, 0, "", false
		}
		after = t
	}
	limit, ok := limitParam(w, r, 1000)
	if !ok {
		return after, 0, "", false
	}
	cur, ok := cursorParam(w, r)
	return after, limit, cur, ok
}

func (s *Server) listOrgMachines(w http.ResponseWriter, r *http.Request) {
	f, ok := listFilters(w, r)
	if !ok {
		return
	}
	updatedAfter, limit, cur, ok := orgListParams(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgFor(w, r.PathValue("org_slug")) == nil {
		return
	}
	var ms []*machine
	for _, m := range s.w.Machines {
		a := s.w.Apps[m.App]
		if a == nil || a.Org != r.PathValue("org_slug") || !f.match(m) || !m.UpdatedAt.After(updatedAfter) {
			continue
		}
		ms = append(ms, m)
	}
	ms, next := paginate(ms, machineKey, cur, limit)
	resp := map[string]any{}
	if next != "" {
		resp["next_cursor"] = next
	}
	out := []map[string]any{}
	var last time.Time
	for _, m := range ms {
		cfg := m.config()
		oc := map[string]any{"image": cfg["image"], "guest": cfg["guest"]}
		if md, ok := cfg["metadata"]; ok {
			oc["metadata"] = md
		}
		out = append(out, map[string]any{
			"id": m.ID, "name": m.Name, "state": displayState(m.State), "region": m.Region,
			"app_name": m.App, "private_ip": m.PrivateIP, "version": m.current().ID,
			"created_at": rfc3339(m.CreatedAt), "updated_at": rfc3339(m.UpdatedAt), "config": oc,
		})
		if m.UpdatedAt.After(last) {
			last = m.UpdatedAt
		}
		resp["last_machine_id"] = m.ID
	}
	resp["machines"] = out
	if !last.IsZero() {
		resp["last_updated_at"] = rfc3339(last)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) listOrgVolumes(w http.ResponseWriter, r *http.Request) {
	f, ok := listFilters(w, r)
	if !ok {
		return
	}
	updatedAfter, limit, cur, ok := orgListParams(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgFor(w, r.PathValue("org_slug")) == nil {
		return
	}
	var vs []*volume
	for _, v := range s.w.Volumes {
		a := s.w.Apps[v.App]
		if a == nil || a.Org != r.PathValue("org_slug") || !v.UpdatedAt.After(updatedAfter) {
			continue
		}
		if (f.region != "" && v.Region != f.region) || (f.states != nil && !f.states[v.State]) {
			continue
		}
		vs = append(vs, v)
	}
	vs, next := paginate(vs, volumeKey, cur, limit)
	resp := map[string]any{}
	if next != "" {
		resp["next_cursor"] = next
	}
	out := []map[string]any{}
	var last time.Time
	for _, v := range vs {
		j := volumeView(v)
		out = append(out, map[string]any{
			"id": j.ID, "name": j.Name, "state": j.State, "size_gb": j.SizeGB, "region": j.Region, "zone": j.Zone,
			"encrypted": j.Encrypted, "fstype": j.FSType, "type": j.Type, "created_at": j.CreatedAt,
			"updated_at": rfc3339(v.UpdatedAt), "app_name": v.App, "attached_machine_id": j.AttachedMachineID,
			"attached_alloc_id": j.AttachedAllocID, "block_size": j.BlockSize, "blocks": j.Blocks,
			"blocks_avail": j.BlocksAvail, "blocks_free": j.BlocksFree, "bytes_total": j.BytesTotal,
			"bytes_used": j.BytesUsed, "auto_backup_enabled": j.AutoBackupEnabled,
			"snapshot_retention": j.SnapshotRetention, "host_status": j.HostStatus,
		})
		if v.UpdatedAt.After(last) {
			last = v.UpdatedAt
		}
		resp["last_volume_id"] = v.ID
	}
	resp["volumes"] = out
	if !last.IsZero() {
		resp["last_updated_at"] = rfc3339(last)
	}
	writeJSON(w, http.StatusOK, resp)
}
