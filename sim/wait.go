package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// maxWait is the real API's cap on one wait request.
const maxWait = 60 * time.Second

var waitStates = map[string]bool{
	"started": true, "stopped": true, "suspended": true, "destroyed": true, "failed": true, "settled": true,
}

func (s *Server) waitMachine(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	states := splitList(q["state"])
	if len(states) == 0 {
		states = []string{"started"}
	}
	for _, st := range states {
		if !waitStates[st] {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid state %q: want started, stopped, suspended, destroyed, failed or settled", st))
			return
		}
	}
	timeout := maxWait
	if v := q.Get("timeout"); v != "" {
		d, ok := parseTimeout(v)
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid timeout %q: want seconds", v))
			return
		}
		timeout = min(max(d, time.Second), maxWait)
	}
	want := q.Get("version")
	if want == "" {
		want = q.Get("instance_id")
	}
	fromEvent := q.Get("from_event_id")

	s.mu.Lock()
	_, m := s.machineFor(w, r)
	if m == nil {
		s.mu.Unlock()
		return
	}
	if want != "" && !hasVersion(m, want) {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid version %q: not a version of this machine", want))
		return
	}
	if fromEvent != "" && eventIndex(m, fromEvent) < 0 {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid from_event_id %q: not an event of this machine", fromEvent))
		return
	}
	id := m.ID
	expired := make(chan struct{})
	t := s.clock.AfterFunc(timeout, func() { close(expired) })
	defer t.Stop()
	timedOut := false
	for {
		m := s.w.Machines[id]
		if m == nil { // its app was deleted
			if contains(states, "destroyed") {
				s.mu.Unlock()
				writeJSON(w, http.StatusOK, map[string]any{"ok": true, "state": "destroyed"})
				return
			}
			s.mu.Unlock()
			writeError(w, http.StatusNotFound, "machine not found")
			return
		}
		if resp, ok := waitSatisfied(m, states, want, fromEvent); ok {
			s.mu.Unlock()
			writeJSON(w, http.StatusOK, resp)
			return
		}
		if timedOut {
			cur := displayState(m.State)
			s.mu.Unlock()
			writeError(w, http.StatusRequestTimeout, fmt.Sprintf("deadline_exceeded: machine failed to reach desired state, %s, currently %s", strings.Join(states, ","), cur))
			return
		}
		ch := s.changed
		s.mu.Unlock()
		s.parked(r)
		select {
		case <-ch:
		case <-expired:
			timedOut = true
		case <-r.Context().Done():
			return
		case <-s.done:
			writeError(w, http.StatusServiceUnavailable, "simulator is shutting down")
			return
		}
		s.mu.Lock()
	}
}

// waitSatisfied decides a wait. With a version that is no longer current,
// `stopped` and `destroyed` are reached at once (that instance is gone) and
// nothing else ever is. With from_event_id, the machine must have changed
// state since that event.
func waitSatisfied(m *machine, states []string, want, fromEvent string) (map[string]any, bool) {
	last := m.Events[len(m.Events)-1]
	resp := func(state string) map[string]any {
		return map[string]any{"ok": true, "state": state, "event_id": last.ID, "version": m.current().ID}
	}
	if want != "" && want != m.current().ID {
		for _, st := range states {
			if st == "stopped" || st == "destroyed" {
				r := resp(st)
				r["version"] = want
				return r, true
			}
		}
		return nil, false
	}
	if fromEvent != "" && eventIndex(m, fromEvent) >= len(m.Events)-1 {
		return nil, false
	}
	cur := displayState(m.State)
	for _, st := range states {
		if st == cur || (st == "settled" && !transientStates[m.State]) {
			return resp(cur), true
		}
	}
	return nil, false
}

func hasVersion(m *machine, id string) bool {
	for _, v := range m.Versions {
		if v.ID == id {
			return true
		}
	}
	return false
}

func eventIndex(m *machine, id string) int {
	for i, e := range m.Events {
		if e.ID == id {
			return i
		}
	}
	return -1
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
