package sim

import (
	"fmt"
	"net/http"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// volumeFor finds the request's volume, answering 404/403 itself. Called
// with s.mu held.
func (s *Server) volumeFor(w http.ResponseWriter, r *http.Request) (*app, *volume) {
	return appMember(s, w, r, "volume", kindVolume, s.w.Volumes, "volume_id", func(v *volume) string { return v.App })
}

type volumeJSON struct {
	ID                   string   `json:"id"`
	Name                 string   `json:"name"`
	State                string   `json:"state"`
	SizeGB               int      `json:"size_gb"`
	Region               string   `json:"region"`
	Zone                 string   `json:"zone"`
	Encrypted            bool     `json:"encrypted"`
	FSType               string   `json:"fstype"`
	Type                 string   `json:"type"`
	CreatedAt            string   `json:"created_at"`
	AttachedMachineID    string   `json:"attached_machine_id,omitempty"`
	AttachedAllocID      string   `json:"attached_alloc_id,omitempty"`
	BlockSize            int      `json:"block_size"`
	Blocks               int64    `json:"blocks"`
	BlocksAvail          int64    `json:"blocks_avail"`
	BlocksFree           int64    `json:"blocks_free"`
	BytesTotal           int64    `json:"bytes_total"`
	BytesUsed            int64    `json:"bytes_used"`
	AutoBackupEnabled    bool     `json:"auto_backup_enabled"`
	SnapshotRetention    int      `json:"snapshot_retention"`
	HostStatus           string   `json:"host_status"`
	HostFeatures         []string `json:"host_features,omitempty"`
	RequiredHostFeatures []string `json:"required_host_features,omitempty"`
}

func volumeView(v *volume) volumeJSON {
	total := int64(v.SizeGB) << 30
	used := total / 50
	blocks := total / 4096
	return volumeJSON{
		ID: v.ID, Name: v.Name, State: v.State, SizeGB: v.SizeGB, Region: v.Region, Zone: v.Zone,
		Encrypted: v.Encrypted, FSType: v.FSType, Type: "local", CreatedAt: rfc3339(v.CreatedAt),
		AttachedMachineID: v.AttachedMachine, AttachedAllocID: v.AttachedMachine,
		BlockSize: 4096, Blocks: blocks, BlocksFree: blocks - used/4096, BlocksAvail: blocks - used/4096,
		BytesTotal: total, BytesUsed: used,
		AutoBackupEnabled: v.AutoBackup, SnapshotRetention: v.SnapshotRetention, HostStatus: "ok",
	}
}

var volumeNameRE = lazyre.New(`^[a-z0-9_]{1,30}$`)

const maxVolumeGB = 500

func (s *Server) createVolume(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name              string `json:"name"`
		Region            string `json:"region"`
		SizeGB            *int   `json:"size_gb"`
		Encrypted         *bool  `json:"encrypted"`
		FSType            string `json:"fstype"`
		RequireUniqueZone bool   `json:"require_unique_zone"`
		SnapshotID        string `json:"snapshot_id"`
		SourceVolumeID    string `json:"source_volume_id"`
		SnapshotRetention *int   `json:"snapshot_retention"`
		AutoBackupEnabled *bool  `json:"auto_backup_enabled"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if !volumeNameRE().MatchString(req.Name) {
		writeError(w, http.StatusBadRequest, "invalid name: use 1 to 30 lower-case letters, digits and underscores")
		return
	}
	switch req.FSType {
	case "":
		req.FSType = "ext4"
	case "ext4", "raw":
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid fstype %q: want ext4 or raw", req.FSType))
		return
	}
	retention := 5
	if req.SnapshotRetention != nil {
		retention = *req.SnapshotRetention
	}
	if retention < 1 || retention > 60 {
		writeError(w, http.StatusBadRequest, "invalid snapshot_retention: want 1 to 60 days")
		return
	}
	s.withApp(w, r, func(a *app) {
		region, minSize := req.Region, 1
		if req.SourceVolumeID != "" {
			src := s.w.Volumes[req.SourceVolumeID]
			if src == nil || src.App != a.Name {
				writeError(w, http.StatusNotFound, "source volume not found")
				return
			}
			minSize = src.SizeGB
			if region == "" {
				region = src.Region
			}
		}
		if req.SnapshotID != "" {
			snap := s.findSnapshot(a, req.SnapshotID)
			if snap == nil {
				writeError(w, http.StatusNotFound, "snapshot not found")
				return
			}
			minSize = max(minSize, snap.VolumeSize)
		}
		if region == "" {
			region = defaultRegion
		}
		if !knownRegion(region) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid region %q", region))
			return
		}
		size := max(3, minSize)
		if req.SizeGB != nil {
			size = *req.SizeGB
		}
		if size < minSize || size < 1 || size > maxVolumeGB {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid size_gb %d: want %d to %d", size, max(minSize, 1), maxVolumeGB))
			return
		}
		now := s.clock.Now()
		v := &volume{
			ID: "vol_" + s.ids.alnum(16), App: a.Name, Name: req.Name, Region: region,
			Zone: s.ids.hex(4), State: "created", FSType: req.FSType, SizeGB: size,
			Encrypted: req.Encrypted == nil || *req.Encrypted, AutoBackup: req.AutoBackupEnabled == nil || *req.AutoBackupEnabled,
			SnapshotRetention: retention, Seq: s.w.nextSeq(), CreatedAt: now, UpdatedAt: now,
		}
		s.w.Volumes[v.ID] = v
		s.touch(kindVolume, v.ID)
		s.commitAnswer(w, http.StatusOK, volumeView(v))
	})
}

func (s *Server) findSnapshot(a *app, id string) *snapshot {
	for _, v := range s.w.Volumes {
		if v.App != a.Name {
			continue
		}
		for _, sn := range v.Snapshots {
			if sn.ID == id {
				return sn
			}
		}
	}
	return nil
}

func (s *Server) listVolumes(w http.ResponseWriter, r *http.Request) {
	if _, ok := boolParam(w, r, "summary"); !ok {
		return
	}
	limit, after, ok := pageParams(w, r, 1000)
	if !ok {
		return
	}
	s.withApp(w, r, func(a *app) {
		vs := collect(s.w.Volumes, func(v *volume) bool { return v.App == a.Name })
		vs, next := paginate(vs, volumeKey, after, limit)
		if next != "" {
			w.Header().Set("fly-next-cursor", next)
		}
		out := make([]volumeJSON, 0, len(vs))
		for _, v := range vs {
			out = append(out, volumeView(v))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) showVolume(w http.ResponseWriter, r *http.Request) {
	s.withVolume(w, r, func(_ *app, v *volume) {
		writeJSON(w, http.StatusOK, volumeView(v))
	})
}

func (s *Server) updateVolume(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AutoBackupEnabled *bool `json:"auto_backup_enabled"`
		SnapshotRetention *int  `json:"snapshot_retention"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.SnapshotRetention != nil && (*req.SnapshotRetention < 1 || *req.SnapshotRetention > 60) {
		writeError(w, http.StatusBadRequest, "invalid snapshot_retention: want 1 to 60 days")
		return
	}
	s.withVolume(w, r, func(_ *app, v *volume) {
		if req.AutoBackupEnabled != nil {
			v.AutoBackup = *req.AutoBackupEnabled
		}
		if req.SnapshotRetention != nil {
			v.SnapshotRetention = *req.SnapshotRetention
		}
		v.UpdatedAt = s.clock.Now()
		s.commitAnswer(w, http.StatusOK, volumeView(v))
	})
}

func (s *Server) deleteVolume(w http.ResponseWriter, r *http.Request) {
	s.withVolume(w, r, func(_ *app, v *volume) {
		if v.AttachedMachine != "" {
			writeError(w, http.StatusConflict, fmt.Sprintf("volume %s is attached to machine %s; destroy the machine or remove the mount first", v.ID, v.AttachedMachine))
			return
		}
		delete(s.w.Volumes, v.ID)
		v.State = "destroyed"
		s.commitAnswer(w, http.StatusOK, volumeView(v))
	})
}

func (s *Server) extendVolume(w http.ResponseWriter, r *http.Request) {
	var req struct {
		SizeGB int `json:"size_gb"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	s.withVolume(w, r, func(_ *app, v *volume) {
		if req.SizeGB <= v.SizeGB || req.SizeGB > maxVolumeGB {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid size_gb %d: a volume can only grow (it has %d GB, at most %d)", req.SizeGB, v.SizeGB, maxVolumeGB))
			return
		}
		v.SizeGB = req.SizeGB
		v.UpdatedAt = s.clock.Now()
		needsRestart := false
		if m := s.w.Machines[v.AttachedMachine]; m != nil && m.State == "started" {
			needsRestart = true
		}
		s.commitAnswer(w, http.StatusOK, map[string]any{"volume": volumeView(v), "needs_restart": needsRestart})
	})
}

func (s *Server) snapshotStatus(sn *snapshot) string {
	if s.clock.Now().Before(sn.DoneAt) {
		return "running"
	}
	return "created"
}

func (s *Server) listSnapshots(w http.ResponseWriter, r *http.Request) {
	s.withVolume(w, r, func(_ *app, v *volume) {
		out := []map[string]any{}
		for _, sn := range v.Snapshots {
			out = append(out, map[string]any{
				"id": sn.ID, "size": sn.Size, "volume_size": sn.VolumeSize, "digest": sn.Digest,
				"created_at": rfc3339(sn.CreatedAt), "status": s.snapshotStatus(sn), "retention_days": sn.RetentionDays,
			})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) createSnapshot(w http.ResponseWriter, r *http.Request) {
	s.withVolume(w, r, func(_ *app, v *volume) {
		for _, sn := range v.Snapshots {
			if s.snapshotStatus(sn) == "running" {
				writeError(w, http.StatusConflict, fmt.Sprintf("a snapshot of volume %s is already in progress", v.ID))
				return
			}
		}
		now := s.clock.Now()
		v.Snapshots = append(v.Snapshots, &snapshot{
			ID: "vs_" + s.ids.alnum(16), Digest: s.ids.hex(32), Size: int64(v.SizeGB) << 30 / 50,
			VolumeSize: v.SizeGB, RetentionDays: v.SnapshotRetention, CreatedAt: now,
			DoneAt: now.Add(s.cfg.timings.Snapshot),
		})
		s.commitAnswer(w, http.StatusOK, nil)
	})
}
