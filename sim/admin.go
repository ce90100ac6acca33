package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// AdminPrefix is where the admin endpoint of a served simulator answers: a
// path the Machines API does not use. Without WithAdmin every request under
// it is refused with 403.
//
//	GET    /_sim/clock      {"now": "2026-12-07T06:00:00Z", "movable": true}
//	POST   /_sim/clock      {"advance": "48h"} moves the clock (ShiftClock or FakeClock)
//	GET    /_sim/failures   the failures still armed
//	POST   /_sim/failures   {"op": "Machines_start", "status": 503, "times": 2,
//	                         "reset": false, "delay": "2s", "machine": "<id>"}
//	DELETE /_sim/failures   disarms them all
//	GET    /_sim/requests   {"requests": [{op, method, path, query, status, body, time}], "dropped": 0}
//	DELETE /_sim/requests   empties the log
//
// The endpoint asks for the same Authorization header as the API.
const AdminPrefix = "/_sim/"

// WithAdmin turns on the admin endpoint under AdminPrefix and the request
// log it reads (`flyscript sim --admin`). Give the server a movable clock
// (NewShiftClock) for /_sim/clock to advance.
func WithAdmin() Option { return func(cfg *config) { cfg.admin = true } }

func isAdminPath(p string) bool { return p+"/" == AdminPrefix || strings.HasPrefix(p, AdminPrefix) }

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !s.cfg.admin {
		writeError(w, http.StatusForbidden, "the admin endpoint is off: start the simulator with --admin (flyscript sim --admin)")
		return
	}
	if !s.authorized(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized")
		return
	}
	c := s.Control()
	c.Record(true) // idempotent: the log is on from the first admin call at the latest
	switch strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, AdminPrefix), "/") + " " + r.Method {
	case "clock GET":
		s.writeClock(w)
	case "clock POST":
		var body struct {
			Advance string `json:"advance"`
		}
		if !readAdmin(w, r, &body) {
			return
		}
		d, err := time.ParseDuration(body.Advance)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("advance %q: want a duration such as \"90s\" or \"48h\"", body.Advance))
			return
		}
		if err := c.Advance(d); err != nil {
			writeError(w, http.StatusConflict, err.Error())
			return
		}
		s.writeClock(w)
	case "failures GET":
		writeJSON(w, http.StatusOK, map[string]any{"failures": adminFailures(c.Failures())})
	case "failures POST":
		var body struct {
			Failure
			Delay string `json:"delay"`
		}
		if !readAdmin(w, r, &body) {
			return
		}
		f := body.Failure
		if body.Delay != "" {
			d, err := time.ParseDuration(body.Delay)
			if err != nil {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("delay %q: want a duration such as \"2s\"", body.Delay))
				return
			}
			f.Delay = d
		}
		if err := c.Fail(f); err != nil {
			writeError(w, http.StatusBadRequest, strings.TrimPrefix(err.Error(), "sim: "))
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"failures": adminFailures(c.Failures())})
	case "failures DELETE":
		c.ClearFailures()
		writeEmpty(w, http.StatusNoContent)
	case "requests GET":
		reqs, dropped := c.Requests()
		out := make([]map[string]any, 0, len(reqs))
		for _, q := range reqs {
			m := map[string]any{"op": q.Op, "method": q.Method, "path": q.Path, "status": q.Status, "time": rfc3339(q.Time)}
			if q.Query != "" {
				m["query"] = q.Query
			}
			if len(q.Body) > 0 {
				if json.Valid(q.Body) {
					m["body"] = json.RawMessage(q.Body)
				} else {
					m["body"] = string(q.Body)
				}
			}
			out = append(out, m)
		}
		writeJSON(w, http.StatusOK, map[string]any{"requests": out, "dropped": dropped})
	case "requests DELETE":
		c.ClearRequests()
		writeEmpty(w, http.StatusNoContent)
	default:
		writeError(w, http.StatusNotFound, "not found: no admin operation "+r.Method+" "+r.URL.Path+" (clock, failures, requests)")
	}
}

func (s *Server) writeClock(w http.ResponseWriter) {
	_, movable := s.clock.(interface{ Advance(time.Duration) })
	writeJSON(w, http.StatusOK, map[string]any{"now": s.clock.Now().UTC().Format(time.RFC3339Nano), "movable": movable})
}

func adminFailures(fs []Failure) []map[string]any {
	out := make([]map[string]any, 0, len(fs))
	for _, f := range fs {
		m := map[string]any{"op": f.Op, "times": f.Times}
		if f.Status != 0 {
			m["status"] = f.Status
		}
		if f.Reset {
			m["reset"] = true
		}
		if f.Delay > 0 {
			m["delay"] = f.Delay.String()
		}
		if f.Machine != "" {
			m["machine"] = f.Machine
		}
		out = append(out, m)
	}
	return out
}

// readAdmin decodes an admin request's JSON body, answering 400 itself.
func readAdmin(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// ShiftClock is the wall clock plus an offset that Advance increases: time
// flows as usual and can also jump forward, running every timer that falls
// due. `flyscript sim --admin` serves on one, so that /_sim/clock can move
// it while clients keep real time.
type ShiftClock struct {
	mu     sync.Mutex
	offset time.Duration
	timers map[*shiftTimer]struct{}
}

type shiftTimer struct {
	c    *ShiftClock
	at   time.Time // on the shifted clock
	f    func()
	real *time.Timer
	once sync.Once
}

// NewShiftClock returns a ShiftClock reading the wall clock.
func NewShiftClock() *ShiftClock { return &ShiftClock{timers: map[*shiftTimer]struct{}{}} }

// Now returns the wall clock plus the offset.
func (c *ShiftClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// AfterFunc calls f once the shifted clock reaches Now()+d, in its own
// goroutine.
func (c *ShiftClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &shiftTimer{c: c, at: time.Now().Add(c.offset + d), f: f}
	c.timers[t] = struct{}{}
	t.real = time.AfterFunc(d, t.fire)
	return t
}

func (t *shiftTimer) fire() {
	t.once.Do(func() {
		t.c.mu.Lock()
		delete(t.c.timers, t)
		t.c.mu.Unlock()
		t.f()
	})
}

// Stop cancels the timer; it reports whether the call was still pending.
func (t *shiftTimer) Stop() bool {
	stopped := false
	t.once.Do(func() {
		stopped = true
		t.real.Stop()
		t.c.mu.Lock()
		delete(t.c.timers, t)
		t.c.mu.Unlock()
	})
	return stopped
}

// Advance moves the clock forward by d and runs the timers that fall due,
// each in its own goroutine as AfterFunc promises, started in time order.
func (c *ShiftClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += max(d, 0)
	now := time.Now().Add(c.offset)
	var due []*shiftTimer
	for t := range c.timers {
		if !t.at.After(now) {
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].at.Before(due[j].at) })
	for _, t := range due {
		t.real.Stop()
		go t.fire()
	}
}
