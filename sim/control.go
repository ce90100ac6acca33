package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flyscript/flyscript/internal/editdist"
	"github.com/flyscript/flyscript/internal/openapi"
)

// This file holds the controls that tests of scripts need (`flyscript
// test`, and `flyscript sim --admin` through admin.go): moving the clock,
// failing chosen operations a number of times, and the log of the requests
// answered. They hook into the request path in one place, Server.controlled,
// called first by ServeHTTP.

// maxRecorded bounds the request log; older entries are dropped (and
// counted) beyond it, so a long-running `flyscript sim --admin` does not
// grow without end.
const maxRecorded = 10000

// Control is the handle on a Server's test controls, from Server.Control.
// Its methods are safe for concurrent use with requests in flight.
type Control struct{ s *Server }

// Control returns the test controls of s.
func (s *Server) Control() *Control { return &Control{s: s} }

// Failure makes the next requests of one operation fail (Control.Fail).
type Failure struct {
	// Op is the operation's operationId in the OpenAPI document, such as
	// "Machines_start" (required).
	Op string `json:"op"`
	// Status answers with this HTTP status and an `{"error": ...}` body
	// instead of processing the request (nothing changes).
	Status int `json:"status,omitempty"`
	// Reset drops the connection without an answer (nothing changes).
	Reset bool `json:"reset,omitempty"`
	// Delay holds the answer back this long on the simulator's clock; alone,
	// the request is then processed normally.
	Delay time.Duration `json:"delay,omitempty"`
	// Times is how many matching requests fail (default 1).
	Times int `json:"times,omitempty"`
	// Machine limits the failure to the requests on this machine id.
	Machine string `json:"machine,omitempty"`
}

// Request is one request the simulator answered, as Control.Requests gives
// it.
type Request struct {
	Op     string    `json:"op"`              // operationId, "" for a path the document does not have
	Method string    `json:"method"`          // GET, POST, ...
	Path   string    `json:"path"`            // URL path, without the query
	Query  string    `json:"query,omitempty"` // raw query string
	Status int       `json:"status"`          // status answered; 0 for a dropped connection
	Body   []byte    `json:"body,omitempty"`  // request body as sent
	Time   time.Time `json:"time"`            // simulator clock when it arrived
}

// controls is the state behind Control, a field of Server.
type controls struct {
	active atomic.Bool // anything to do in controlled: recording, failures or driving
	mu     sync.Mutex
	record bool
	drive  bool
	reqs   []Request
	drop   int
	fails  []*Failure
}

// refresh recomputes active; called with mu held.
func (c *controls) refresh() { c.active.Store(c.record || c.drive || len(c.fails) > 0) }

// Record turns the request log on or off. Off, it also forgets what was
// recorded. `flyscript test` and `flyscript sim --admin` turn it on.
func (c *Control) Record(on bool) {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	k.record = on
	if !on {
		k.reqs, k.drop = nil, 0
	}
	k.refresh()
}

// Requests returns the requests answered since recording started (or since
// ClearRequests), oldest first, and how many older ones were dropped beyond
// the log's bound of 10,000.
func (c *Control) Requests() (reqs []Request, dropped int) {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]Request(nil), k.reqs...), k.drop
}

// ClearRequests empties the request log.
func (c *Control) ClearRequests() {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reqs, k.drop = nil, 0
}

// DriveClock, with a *FakeClock, makes requests move the clock instead of
// waiting on it: a machine wait that cannot be answered yet advances the
// clock to the next pending transition (or to its own timeout), and an
// injected Delay advances the clock by the delay. This is the virtual time
// of `flyscript test`: a script's ten-minute rollout runs in milliseconds.
// It has no effect with another clock.
func (c *Control) DriveClock(on bool) {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	k.drive = on
	k.refresh()
}

// Now returns the simulator's current time.
func (c *Control) Now() time.Time { return c.s.clock.Now() }

// ErrClockFixed is returned by Advance when the simulator runs on a clock
// that cannot be moved (the wall clock).
var ErrClockFixed = errors.New("sim: the clock cannot be moved: the simulator runs on the wall clock (tests use a FakeClock, `flyscript sim --admin` a ShiftClock)")

// Advance moves the simulator's clock forward by d: transitions, lease
// expiry and waits that fall due on the way happen in time order. The clock
// must be a *FakeClock or a *ShiftClock (ErrClockFixed otherwise); d must
// not be negative.
func (c *Control) Advance(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("sim: cannot move the clock back (advance by %v)", d)
	}
	a, ok := c.s.clock.(interface{ Advance(time.Duration) })
	if !ok {
		return ErrClockFixed
	}
	a.Advance(d)
	return nil
}

// Fail arms a failure: the next f.Times requests of operation f.Op (on
// f.Machine if set) fail as f says. Failures armed for the same operation
// are used in the order they were armed. It returns an error naming what is
// wrong with f: an unknown operation (with the closest known ones), a status
// outside 400-599, both Status and Reset, or nothing to do at all.
func (c *Control) Fail(f Failure) error {
	if f.Op == "" {
		return errors.New("sim: fail: op is required (an operationId such as Machines_start)")
	}
	known, err := operationIDs()
	if err != nil {
		return err
	}
	if !known[f.Op] {
		return fmt.Errorf("sim: fail: unknown operation %q%s", f.Op, suggest(f.Op, known))
	}
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("sim: fail: status %d is not an error status (400-599)", f.Status)
	case f.Status != 0 && f.Reset:
		return errors.New("sim: fail: give status or reset, not both")
	case f.Status == 0 && !f.Reset && f.Delay <= 0:
		return errors.New("sim: fail: nothing to inject: give status, reset or delay")
	case f.Delay < 0:
		return fmt.Errorf("sim: fail: delay %v must not be negative", f.Delay)
	case f.Times < 0:
		return fmt.Errorf("sim: fail: times %d must not be negative", f.Times)
	}
	if f.Times == 0 {
		f.Times = 1
	}
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fails = append(k.fails, &f)
	k.refresh()
	return nil
}

// Failures returns the failures still armed, with the number of times each
// has left.
func (c *Control) Failures() []Failure {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]Failure, 0, len(k.fails))
	for _, f := range k.fails {
		out = append(out, *f)
	}
	return out
}

// ClearFailures disarms every failure.
func (c *Control) ClearFailures() {
	k := &c.s.ctl
	k.mu.Lock()
	defer k.mu.Unlock()
	k.fails = nil
	k.refresh()
}

// take consumes one use of the first failure matching op and machine.
func (k *controls) take(op, machine string) *Failure {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, f := range k.fails {
		if f.Op != op || (f.Machine != "" && f.Machine != machine) {
			continue
		}
		got := *f
		if f.Times--; f.Times <= 0 {
			k.fails = append(k.fails[:i], k.fails[i+1:]...)
			k.refresh()
		}
		return &got
	}
	return nil
}

func (k *controls) add(r Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.record {
		return
	}
	if len(k.reqs) >= maxRecorded {
		n := len(k.reqs) - maxRecorded + 1
		k.reqs = append(k.reqs[:0], k.reqs[n:]...)
		k.drop += n
	}
	k.reqs = append(k.reqs, r)
}

func (k *controls) settings() (record, drive bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.record, k.drive
}

// innerKey marks a request that controlled has already seen, so that the
// second pass through ServeHTTP serves it normally. Its value is the
// request's park signal (see parked).
type innerKey struct{}

// controlled is the hook at the top of ServeHTTP: the admin endpoint, then,
// when any control is active, failures, virtual-time waits and the request
// log. It reports whether it answered the request.
func (s *Server) controlled(w http.ResponseWriter, r *http.Request) bool {
	if isAdminPath(r.URL.Path) {
		w.Header().Set("fly-request-id", s.requestID())
		s.serveAdmin(w, r)
		return true
	}
	k := &s.ctl
	if !k.active.Load() || r.Context().Value(innerKey{}) != nil {
		return false
	}
	record, drive := k.settings()
	op, machine := s.operationOf(r)
	entry := Request{Op: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Time: s.clock.Now()}
	if record && r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, 4<<20+1))
		if err != nil {
			resetConn(w)
			return true
		}
		entry.Body = body
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	// The entry is logged once the answer is written, or before the
	// connection is dropped: a client that sees the reset may ask for the
	// log at once.
	logged := false
	rec := &statusWriter{ResponseWriter: w}
	finish := func() {
		if !logged {
			logged = true
			entry.Status = rec.status()
			k.add(entry)
		}
	}
	rec.beforeReset = finish
	defer finish()
	if f := k.take(op, machine); f != nil {
		rec.Header().Set("fly-request-id", s.requestID())
		if f.Delay > 0 && !s.delay(r.Context(), f.Delay, drive) {
			if s.isClosed() {
				writeError(rec, http.StatusServiceUnavailable, "simulator is shutting down")
			}
			return true
		}
		switch {
		case f.Reset:
			resetConn(rec)
			return true
		case f.Status != 0:
			if f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable {
				rec.Header().Set("Retry-After", "1")
			}
			writeError(rec, f.Status, fmt.Sprintf("injected failure: %d %s (%s)", f.Status, strings.ToLower(http.StatusText(f.Status)), op))
			return true
		}
	}
	park := make(chan struct{}, 1)
	inner := r.WithContext(context.WithValue(r.Context(), innerKey{}, park))
	if fc, ok := s.clock.(*FakeClock); ok && drive && op == "Machines_wait" {
		s.driveWait(fc, rec, inner, park)
		return true
	}
	s.ServeHTTP(rec, inner)
	return true
}

// delay holds a request back d on the clock, or, when driving a
// *FakeClock, moves that clock by d. False when the request or the server
// ended first.
func (s *Server) delay(ctx context.Context, d time.Duration, drive bool) bool {
	if fc, ok := s.clock.(*FakeClock); ok && drive {
		fc.Advance(d)
		return ctx.Err() == nil && !s.isClosed()
	}
	return s.sleep(ctx, d)
}

// driveWait serves a machine wait in virtual time: whenever the wait's
// handler is about to block on the clock (parked), the clock jumps to the
// next pending timer, a transition or the wait's own timeout.
func (s *Server) driveWait(fc *FakeClock, w http.ResponseWriter, r *http.Request, park chan struct{}) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// resetConn's abort must reach net/http from the
			// serving goroutine, not this one.
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				panic(v)
			}
		}()
		s.ServeHTTP(w, r)
	}()
	for {
		select {
		case <-done:
			return
		case <-park:
			if at, ok := fc.next(); ok {
				fc.Set(at)
			}
		}
	}
}

// parked tells a driven wait (driveWait) that the handler of r is about to
// block until the state changes or the clock moves. The machine wait
// handler calls it right before it blocks.
func (s *Server) parked(r *http.Request) {
	if park, ok := r.Context().Value(innerKey{}).(chan struct{}); ok {
		select {
		case park <- struct{}{}:
		default:
		}
	}
}

// next returns the time of the earliest pending timer.
func (c *FakeClock) next() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var at time.Time
	for i, t := range c.timers {
		if i == 0 || t.at.Before(at) {
			at = t.at
		}
	}
	return at, len(c.timers) > 0
}

// statusWriter remembers the status a handler answered. It passes Hijack
// through (resetConn) and unwraps for http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	code        int
	reset       bool
	beforeReset func() // called before the connection is dropped
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets resetConn drop the connection (the request is then logged
// with status 0).
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("sim: connection cannot be hijacked")
	}
	w.reset = true
	if w.beforeReset != nil {
		w.beforeReset()
	}
	return hj.Hijack()
}

// Flush passes a flush through.
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) status() int {
	if w.reset {
		return 0
	}
	return w.code
}

// operationOf names the operation a request is routed to, by the document's
// operationId, and the machine id in its path.
func (s *Server) operationOf(r *http.Request) (op, machine string) {
	_, pattern := s.mux.Handler(r)
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		return "", ""
	}
	ids, _ := operationByKey()
	op = ids[method+" "+path]
	want := strings.Split(strings.Trim(path, "/"), "/")
	got := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	for i, seg := range want {
		if seg == "{machine_id}" && i < len(got) {
			machine = got[i]
		}
	}
	return op, machine
}

var (
	opsOnce sync.Once
	opsKey  map[string]string // "METHOD /path" -> operationId
	opsIDs  map[string]bool
	opsErr  error
)

func loadOperations() {
	ops, err := openapi.Operations()
	if err != nil {
		opsErr = err
		return
	}
	opsKey, opsIDs = map[string]string{}, map[string]bool{}
	for _, o := range ops {
		if o.OperationID != "" {
			opsKey[o.Key()] = o.OperationID
			opsIDs[o.OperationID] = true
		}
	}
}

func operationByKey() (map[string]string, error) {
	opsOnce.Do(loadOperations)
	return opsKey, opsErr
}

func operationIDs() (map[string]bool, error) {
	opsOnce.Do(loadOperations)
	return opsIDs, opsErr
}

// suggest names the known operations closest to a misspelt one (by edit
// distance, case-insensitively; a swap of adjacent letters counts one), or says what operationIds look like.
func suggest(op string, known map[string]bool) string {
	lower := strings.ToLower(op)
	best, near := 4, []string(nil)
	for id := range known {
		d := editdist.Distance(lower, strings.ToLower(id))
		switch {
		case d < best:
			best, near = d, []string{id}
		case d == best:
			near = append(near, id)
		}
	}
	if len(near) == 0 {
		return " (operationIds are as in the OpenAPI document, e.g. Machines_start)"
	}
	sort.Strings(near)
	return " (did you mean " + strings.Join(near, " or ") + "?)"
}

// SaveState writes the simulator's state to path in the format of
// WithStateFile (a file New can load), atomically.
func (c *Control) SaveState(path string) error {
	s := c.s
	s.mu.Lock()
	b, err := json.MarshalIndent(s.w, "", " ")
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("sim: encode state: %w", err)
	}
	if err := writeFileAtomic(path, b, true); err != nil {
		return fmt.Errorf("sim: write state: %w", err)
	}
	return nil
}
