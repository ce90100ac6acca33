package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Timings are the durations of the machine lifecycle's transient states and
// of the other slow operations the simulator models. A zero duration makes
// the step happen at once, inside the request that caused it.
type Timings struct {
	Launch   time.Duration // a launching machine shows `created` this long, then `starting`
	Start    time.Duration // `starting` -> `started`
	Stop     time.Duration // `stopping` -> `stopped`
	Suspend  time.Duration // `suspending` -> `suspended`
	Restart  time.Duration // `restarting` -> `started`
	Update   time.Duration // `replacing` -> the state after an update
	Destroy  time.Duration // `destroying` -> `destroyed`
	Snapshot time.Duration // a volume snapshot stays `running` this long
	Postgres time.Duration // a Postgres cluster stays `creating` this long
	Backup   time.Duration // a Postgres backup stays `running` this long
}

// DefaultTimings are the timings of New without WithTimings: a few hundred
// milliseconds per step, so that a launch takes about 0.4 s.
func DefaultTimings() Timings {
	return Timings{
		Launch:   100 * time.Millisecond,
		Start:    300 * time.Millisecond,
		Stop:     300 * time.Millisecond,
		Suspend:  300 * time.Millisecond,
		Restart:  400 * time.Millisecond,
		Update:   400 * time.Millisecond,
		Destroy:  200 * time.Millisecond,
		Snapshot: 500 * time.Millisecond,
		Postgres: 2 * time.Second,
		Backup:   time.Second,
	}
}

// InstantTimings makes every transition happen at once: a created machine
// is `started` in the create response. Useful where no test wants to see the
// transient states.
func InstantTimings() Timings { return Timings{} }

// Option configures New.
type Option func(*config)

type config struct {
	clock      Clock
	timings    Timings
	rateLimits bool
	faults     Faults
	latency    time.Duration
	jitter     time.Duration
	token      string
	statePath  string
	orgs       []Org
	seed       int64
	logger     *log.Logger
	admin      bool            // the /_sim/ admin endpoint answers (admin.go)
	hosts      map[string]bool // WithAllowedHosts; nil: any host
	noSync     bool            // tests: skip fsync
	journalMin int64           // tests: compact sooner (default journalMin)
}

// WithClock sets the clock (default: the wall clock). Tests pass a
// *FakeClock so that no real time passes.
func WithClock(c Clock) Option { return func(cfg *config) { cfg.clock = c } }

// WithTimings sets the lifecycle timings, replacing DefaultTimings whole.
func WithTimings(t Timings) Option { return func(cfg *config) { cfg.timings = t } }

// WithRateLimits turns the documented rate limits on or off. The library
// default is off; `flyscript sim` turns them on.
func WithRateLimits(on bool) Option { return func(cfg *config) { cfg.rateLimits = on } }

// WithFaults injects failures at the given rates (see Faults).
func WithFaults(f Faults) Option { return func(cfg *config) { cfg.faults = f } }

// WithLatency delays every response by mean ± a uniformly drawn jitter,
// measured on the simulator's clock.
func WithLatency(mean, jitter time.Duration) Option {
	return func(cfg *config) { cfg.latency, cfg.jitter = mean, jitter }
}

// WithToken makes the simulator require this token (with the `Bearer` or
// `FlyV1` scheme). By default any token is accepted, but an Authorization
// header is always required.
func WithToken(token string) Option { return func(cfg *config) { cfg.token = token } }

// WithStateFile persists the simulator's state in path as JSON: it is loaded
// by New when the file exists, and every change is appended to the journal
// path+".journal" before it is answered (see "Persistence" in the package
// documentation). The folder must exist. The file holds the apps' secrets in
// clear text; it is created with mode 0600.
func WithStateFile(path string) Option { return func(cfg *config) { cfg.statePath = path } }

// WithOrgs adds organisations next to `personal` (see Org).
func WithOrgs(orgs ...Org) Option {
	return func(cfg *config) { cfg.orgs = append(cfg.orgs, orgs...) }
}

// WithSeed seeds every random choice: identifiers, nonces, generated names
// and injected faults (default seed 1). The same seed and the same sequence
// of requests give the same answers.
func WithSeed(seed int64) Option { return func(cfg *config) { cfg.seed = seed } }

// WithLogger receives the simulator's own diagnostics (failed state writes,
// which Err and every later answer also report); by default they are
// discarded. Tokens are never logged.
func WithLogger(l *log.Logger) Option { return func(cfg *config) { cfg.logger = l } }

// Server is the simulated Machines API. It is an http.Handler; Close stops
// its timers.
type Server struct {
	cfg     config
	clock   Clock
	mux     *http.ServeMux
	limiter *limiter
	faults  *faultInjector

	mu       sync.Mutex
	w        *world
	ids      *ids
	timers   map[string]pendingTimer // pending machine transitions by machine id
	timerSeq int64
	changed  chan struct{} // closed and replaced on every state change
	closed   bool
	done     chan struct{}
	gen      int64 // state generation, bumped by every change
	reqIDs   *ids  // request ids, apart so they do not disturb other ids
	reqMu    sync.Mutex
	saveMu   sync.Mutex
	savedGen int64
	loadErr  error
	ctl      controls        // test controls (control.go)
	store    *store          // nil without a state file
	verify   func(gen int64) // tests: called after each write, with s.mu held
}

// New returns a simulator with the organisation `personal`, no apps, and the
// given options. New never fails: if WithStateFile names a file that cannot
// be loaded, the server starts empty, never overwrites that file, and Err
// reports why.
func New(opts ...Option) *Server {
	cfg := config{clock: RealClock{}, timings: DefaultTimings(), seed: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.logger == nil {
		cfg.logger = log.New(io.Discard, "", 0)
	}
	s := &Server{
		cfg:     cfg,
		clock:   cfg.clock,
		mux:     http.NewServeMux(),
		w:       newWorld(),
		ids:     newIDs(cfg.seed),
		reqIDs:  newIDs(cfg.seed + 7919),
		timers:  map[string]pendingTimer{},
		changed: make(chan struct{}),
		done:    make(chan struct{}),
	}
	s.limiter = newLimiter(cfg.rateLimits)
	s.faults = newFaultInjector(cfg.faults, cfg.seed)
	s.routes()
	s.seedOrgs()
	if cfg.statePath != "" {
		if err := s.openStore(); err != nil {
			s.loadErr = err
			s.w = newWorld()
			s.seedOrgs()
		}
	}
	return s
}

// Err reports why the state file given with WithStateFile could not be
// loaded (a *StateError when the file itself is wrong), or why a later
// write failed, or nil. After a failed write every request is answered
// with 500 and the error, and nothing more is written.
func (s *Server) Err() error {
	if s.loadErr != nil {
		return s.loadErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store != nil {
		return s.store.err
	}
	return nil
}

func (s *Server) seedOrgs() {
	now := s.clock.Now()
	s.w.Orgs["personal"] = &orgState{Slug: "personal", Name: "Personal", Member: true, NumericID: 100001}
	for i, o := range s.cfg.orgs {
		if o.Slug == "" {
			continue
		}
		name := o.Name
		if name == "" {
			name = o.Slug
		}
		s.w.Orgs[o.Slug] = &orgState{Slug: o.Slug, Name: name, Member: o.Member, NumericID: int64(100002 + i)}
		for _, a := range o.Apps {
			if _, ok := s.w.Apps[a]; !ok {
				s.w.Apps[a] = s.newApp(a, o.Slug, "", now)
			}
		}
	}
}

// Close stops every pending timer and ends the long polls in progress. The
// handler answers 503 afterwards.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	for id, p := range s.timers {
		p.t.Stop()
		delete(s.timers, id)
	}
	close(s.done)
	s.mu.Unlock()
	s.persist()
	s.closeStore()
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r) {
		refuseHost(w, r)
		return
	}
	if s.controlled(w, r) {
		return
	}
	w.Header().Set("fly-request-id", s.requestID())
	if s.cfg.latency > 0 || s.cfg.jitter > 0 {
		if !s.sleep(r.Context(), s.faults.latency(s.cfg.latency, s.cfg.jitter)) {
			if s.isClosed() {
				writeError(w, http.StatusServiceUnavailable, "simulator is shutting down")
			}
			return
		}
	}
	switch f := s.faults.draw(); f.kind {
	case faultResetBefore:
		resetConn(w)
		return
	case faultStatus:
		if f.status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		writeError(w, f.status, fmt.Sprintf("injected fault: %d %s", f.status, strings.ToLower(http.StatusText(f.status))))
		return
	case faultResetAfter:
		s.mux.ServeHTTP(&discardWriter{h: http.Header{}}, r)
		resetConn(w)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) requestID() string {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	return s.reqIDs.ulid(s.clock.Now()) + "-sim"
}

// sleep waits d on the simulator's clock; false when ctx or the server ended
// first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	ch := make(chan struct{})
	t := s.clock.AfterFunc(d, func() { close(ch) })
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// route registers one operation: auth, rate limit, then the handler, then
// persistence of whatever changed.
func (s *Server) route(pattern string, h http.HandlerFunc) {
	_, path, _ := strings.Cut(pattern, " ")
	public := publicPaths[path]
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if !public && !s.authorized(r) {
			writeError(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		if s.isClosed() {
			writeError(w, http.StatusServiceUnavailable, "simulator is shutting down")
			return
		}
		id := r.PathValue("machine_id")
		if id == "" {
			id = r.PathValue("app_name")
		}
		if ok, retry := s.limiter.allow(pattern, id, s.clock.Now()); !ok {
			secs := int((retry + time.Second - 1) / time.Second)
			if secs < 1 {
				secs = 1
			}
			w.Header().Set("Retry-After", fmt.Sprint(secs))
			writeError(w, http.StatusTooManyRequests, fmt.Sprintf("rate limit exceeded for %s, retry in %ds", pattern, secs))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 4<<20)
		if s.store == nil {
			h(w, r)
			return
		}
		// With a state file, the answer waits until the change is written.
		if err := s.Err(); err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		bw := &bufferedWriter{w: w, code: http.StatusOK}
		h(bw, r)
		s.persist()
		if err := s.Err(); err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		bw.flush()
	})
}

// publicPaths answer without a token, as the document's `security: []` says.
var publicPaths = map[string]bool{
	"/v1/platform/regions":    true,
	"/v1/tokens/authenticate": true,
	"/v1/tokens/authorize":    true,
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// authorized accepts `Bearer <token>` and `FlyV1 <token>`; with WithToken,
// only that token.
func (s *Server) authorized(r *http.Request) bool {
	tok, ok := bearer(r.Header.Get("Authorization"))
	if !ok {
		return false
	}
	return s.cfg.token == "" || tok == s.cfg.token
}

func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "bearer", "flyv1":
		return tok, true
	}
	return "", false
}

// commit records a state change: waiters wake and the state file is due.
// Called with s.mu held.
func (s *Server) commit() {
	s.gen++
	close(s.changed)
	s.changed = make(chan struct{})
}

// Running is a simulator serving real HTTP on a loopback port.
type Running struct {
	URL    string  // base URL, e.g. http://127.0.0.1:41234
	Server *Server // the simulator itself
	srv    *http.Server
	ln     net.Listener
	once   sync.Once
	err    error
}

// Start serves a new simulator (New(opts...)) on 127.0.0.1 at a free port,
// for in-process use:
//
//	srv, err := sim.Start()
//	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"))
//	defer srv.Close()
func Start(opts ...Option) (*Running, error) {
	return Listen("127.0.0.1:0", opts...)
}

// Listen is Start on the given address. Its URL is one a client on this
// machine reaches: on every address (0.0.0.0, [::]) it names 127.0.0.1.
//
// Only requests whose Host header names a loopback address, `localhost` or
// the host of addr are answered (see WithAllowedHosts to add others).
func Listen(addr string, opts ...Option) (*Running, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("sim: listen: %w", err)
	}
	s := New(append([]Option{WithAllowedHosts(host)}, opts...)...)
	if err := s.Err(); err != nil {
		s.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("sim: listen: %w", err)
	}
	rs := &Running{
		URL:    "http://" + reachable(ln.Addr()),
		Server: s,
		srv:    &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second},
		ln:     ln,
	}
	go func() { _ = rs.srv.Serve(ln) }()
	return rs, nil
}

// Close stops the listener, ends the long polls in progress, waits briefly
// for the requests in flight and stops the simulator.
func (rs *Running) Close() error {
	rs.once.Do(func() {
		rs.Server.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := rs.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			rs.err = err
			_ = rs.srv.Close()
		}
	})
	return rs.err
}

// reachable is the host:port a client on this machine connects to for a
// listener's address: a listener on every address (0.0.0.0, [::]) is no
// host to connect to, nor one the simulator answers; 127.0.0.1 is.
func reachable(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", strconv.Itoa(tcp.Port))
	}
	return a.String()
}
