package sim

import (
	"fmt"
	"net/http"
)

// Metadata lives in the current version's config.metadata. Changing it does
// not make a new version, and leases do not guard it.

func metadataOf(m *machine) map[string]any {
	cfg := m.config()
	md, _ := cfg["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
		cfg["metadata"] = md
	}
	return md
}

func (s *Server) showMetadata(w http.ResponseWriter, r *http.Request) {
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		out := map[string]string{}
		for k, v := range metadataOf(m) {
			out[k] = fmt.Sprint(v)
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) getMetadataKey(w http.ResponseWriter, r *http.Request) {
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		v, ok := metadataOf(m)[r.PathValue("key")]
		if !ok {
			writeError(w, http.StatusNotFound, "metadata key not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"value": fmt.Sprint(v)})
	})
}

func (s *Server) upsertMetadataKey(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Value     *string `json:"value"`
		UpdatedAt string  `json:"updated_at"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.Value == nil {
		writeError(w, http.StatusBadRequest, "value is required")
		return
	}
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		metadataOf(m)[r.PathValue("key")] = *req.Value
		m.UpdatedAt = s.clock.Now()
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) deleteMetadataKey(w http.ResponseWriter, r *http.Request) {
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		md := metadataOf(m)
		if _, ok := md[r.PathValue("key")]; ok {
			delete(md, r.PathValue("key"))
			m.UpdatedAt = s.clock.Now()
			s.commit()
		}
		writeEmpty(w, http.StatusNoContent)
	})
}

// patchMetadata serves PATCH and the deprecated PUT: keys not in the request
// are left alone; a null or empty value deletes the key; a stale
// machine_version is refused with 412.
func (s *Server) patchMetadata(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Metadata       map[string]*string `json:"metadata"`
		MachineVersion string             `json:"machine_version"`
		UpdatedAt      string             `json:"updated_at"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	for k := range req.Metadata {
		if k == "" {
			writeError(w, http.StatusBadRequest, "metadata keys must not be empty")
			return
		}
	}
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		if req.MachineVersion != "" && req.MachineVersion != m.current().ID {
			writeError(w, http.StatusPreconditionFailed, fmt.Sprintf("failed_precondition: machine_version %s does not match the machine's version %s", req.MachineVersion, m.current().ID))
			return
		}
		md := metadataOf(m)
		for k, v := range req.Metadata {
			if v == nil || *v == "" {
				delete(md, k)
			} else {
				md[k] = *v
			}
		}
		m.UpdatedAt = s.clock.Now()
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}
