package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// nonceHeader carries a lease nonce on lease refresh/release and on the
// mutations a lease guards.
const nonceHeader = "fly-machine-lease-nonce"

// leaseOwner is the owner the simulator reports for leases: the email of the
// simulated user every token belongs to.
const leaseOwner = "user@example.com"

// defaultLeaseTTL applies when neither ?ttl= nor the body sets one.
const defaultLeaseTTL = 30

// liveLease returns m's lease if it has not expired.
func (s *Server) liveLease(m *machine) *lease {
	if m.Lease != nil && s.clock.Now().Before(m.Lease.ExpiresAt) {
		return m.Lease
	}
	return nil
}

// newLease gives m a new lease. Called with s.mu held.
func (s *Server) newLease(m *machine, ttl int, desc string) *lease {
	now := s.clock.Now()
	s.touch(kindMachine, m.ID)
	m.Lease = &lease{
		Nonce: s.ids.hex(12), Owner: leaseOwner, Description: desc,
		Version: s.ids.ulid(now), ExpiresAt: now.Add(time.Duration(ttl) * time.Second),
	}
	s.commit()
	return m.Lease
}

// leaseAllows lets a guarded mutation through when m has no live lease or
// the request carries its nonce; otherwise it answers 409 itself.
// leasedMachineFor is liveMachineFor for the operations a lease guards: a
// request without the lease's nonce is refused (see leaseAllows).
func (s *Server) leasedMachineFor(w http.ResponseWriter, r *http.Request) (*app, *machine) {
	a, m := s.liveMachineFor(w, r)
	if m == nil || !s.leaseAllows(w, r, m) {
		return nil, nil
	}
	return a, m
}

func (s *Server) leaseAllows(w http.ResponseWriter, r *http.Request, m *machine) bool {
	l := s.liveLease(m)
	if l == nil || r.Header.Get(nonceHeader) == l.Nonce {
		return true
	}
	writeError(w, http.StatusConflict, leaseHeldMessage(m, l))
	return false
}

func leaseHeldMessage(m *machine, l *lease) string {
	return fmt.Sprintf("machine ID %s lease currently held by %s, expires at %s", m.ID, l.Owner, rfc3339(l.ExpiresAt))
}

func leaseEnvelope(l *lease) map[string]any {
	return map[string]any{"status": "success", "data": map[string]any{
		"nonce": l.Nonce, "expires_at": l.ExpiresAt.Unix(), "owner": l.Owner,
		"description": l.Description, "version": l.Version,
	}}
}

func (s *Server) createLease(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Description string `json:"description"`
		TTL         *int   `json:"ttl"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	ttl := defaultLeaseTTL
	if req.TTL != nil {
		ttl = *req.TTL
	}
	if v := r.URL.Query().Get("ttl"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid ttl %q: want seconds", v))
			return
		}
		ttl = n
	}
	if ttl < 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid ttl %d: want at least 1 second", ttl))
		return
	}
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		if l := s.liveLease(m); l != nil {
			if r.Header.Get(nonceHeader) != l.Nonce {
				writeError(w, http.StatusConflict, leaseHeldMessage(m, l))
				return
			}
			l.ExpiresAt = s.clock.Now().Add(time.Duration(ttl) * time.Second)
			if req.Description != "" {
				l.Description = req.Description
			}
			s.commitAnswer(w, http.StatusCreated, leaseEnvelope(l))
			return
		}
		writeJSON(w, http.StatusCreated, leaseEnvelope(s.newLease(m, ttl, req.Description)))
	})
}

// leaseFor finds the request's live machine and its live lease, answering
// 404 itself when either is missing. Called with s.mu held.
func (s *Server) leaseFor(w http.ResponseWriter, r *http.Request) (*machine, *lease) {
	_, m := s.liveMachineFor(w, r)
	if m == nil {
		return nil, nil
	}
	l := s.liveLease(m)
	if l == nil {
		writeError(w, http.StatusNotFound, "lease not found")
		return nil, nil
	}
	return m, l
}

func (s *Server) showLease(w http.ResponseWriter, r *http.Request) {
	s.withLease(w, r, func(_ *machine, l *lease) {
		writeJSON(w, http.StatusOK, leaseEnvelope(l))
	})
}

func (s *Server) releaseLease(w http.ResponseWriter, r *http.Request) {
	nonce := r.Header.Get(nonceHeader)
	if nonce == "" {
		writeError(w, http.StatusBadRequest, nonceHeader+" header is required")
		return
	}
	s.withLease(w, r, func(m *machine, l *lease) {
		if l.Nonce != nonce {
			writeError(w, http.StatusConflict, leaseHeldMessage(m, l))
			return
		}
		m.Lease = nil
		s.commitAnswer(w, http.StatusOK, map[string]any{"status": "success", "data": map[string]any{"ok": true}})
	})
}
