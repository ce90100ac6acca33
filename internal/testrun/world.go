package testrun

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/flyscript/flyscript/internal/smallfile"
	"github.com/flyscript/flyscript/sim"
)

// simOptions are what sim.options changes.
type simOptions struct {
	rateLimits bool
	realTimes  bool // the simulator's default timings (on the virtual clock)
}

// world is the simulator of the test running in one file, served on a
// loopback port for the life of the file. Each test gets a new one.
type world struct {
	url   string
	http  *http.Server
	clock *vclock
	cur   atomic.Pointer[sim.Server]
	tmp   string // a folder for the state files of load and options

	opts    simOptions
	earlier []sim.Request // requests of the simulators this test replaced
	n       int
}

func newWorld() (*world, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("cannot serve the simulator: %w", err)
	}
	tmp, err := os.MkdirTemp("", "flyscript-test-")
	if err != nil {
		ln.Close()
		return nil, err
	}
	w := &world{url: "http://" + ln.Addr().String(), clock: &vclock{}, tmp: tmp}
	w.http = &http.Server{Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.cur.Load().ServeHTTP(rw, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = w.http.Serve(ln) }()
	w.reset(epoch)
	return w, nil
}

// reset gives the next test a fresh simulator whose clock reads start.
func (w *world) reset(start time.Time) {
	w.opts = simOptions{}
	fc := sim.NewFakeClock(start)
	w.swap(w.build(fc, ""))
	w.earlier = nil
	w.clock.set(fc)
}

// nextStart is the start of the next test: a whole hour, at least an hour
// after now.
func (w *world) nextStart() time.Time {
	return w.clock.Now().Add(time.Hour).Truncate(time.Hour).Add(time.Hour)
}

func (w *world) build(fc *sim.FakeClock, state string) *sim.Server {
	opts := []sim.Option{sim.WithClock(fc), sim.WithRateLimits(w.opts.rateLimits)}
	if !w.opts.realTimes {
		opts = append(opts, sim.WithTimings(sim.InstantTimings()))
	}
	if state != "" {
		opts = append(opts, sim.WithStateFile(state))
	}
	s := sim.New(opts...)
	c := s.Control()
	c.Record(true)
	c.DriveClock(true)
	return s
}

func (w *world) swap(s *sim.Server) {
	if old := w.cur.Swap(s); old != nil {
		reqs, _ := old.Control().Requests()
		w.earlier = append(w.earlier, reqs...)
		old.Close()
	}
}

// server is the simulator of the test running.
func (w *world) server() *sim.Server { return w.cur.Load() }

// requests returns every request answered in this test, in order.
func (w *world) requests() []sim.Request {
	reqs, _ := w.server().Control().Requests()
	return append(append([]sim.Request(nil), w.earlier...), reqs...)
}

// maxStateFile is the largest state file sim.load reads.
const maxStateFile = 256 << 20

// load replaces the simulator with one seeded from a state file (the
// format of --state). The file is copied first: the test never writes it.
// Only a regular file is read: a FIFO would block the test past its
// timeout and Ctrl-C, /dev/zero would be read until memory runs out.
func (w *world) load(path string) error {
	data, err := smallfile.Read(path, maxStateFile)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	return w.rebuild(data, path)
}

// setOptions rebuilds the simulator with new options, keeping its state.
func (w *world) setOptions(o simOptions) error {
	data, err := w.snapshot()
	if err != nil {
		return err
	}
	w.opts = o
	return w.rebuild(data, "")
}

func (w *world) snapshot() ([]byte, error) {
	p := filepath.Join(w.tmp, "snapshot.json")
	if err := w.server().Control().SaveState(p); err != nil {
		return nil, err
	}
	return os.ReadFile(p)
}

// save writes the simulator's state to path, in the format of --state;
// a path that exists must be a regular file (opening a FIFO to write
// blocks until a reader comes).
func (w *world) save(path string) error {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return fmt.Errorf("cannot write %s: %w", path, smallfile.ErrNotRegular)
	}
	return w.server().Control().SaveState(path)
}

func (w *world) rebuild(state []byte, from string) error {
	w.n++
	p := filepath.Join(w.tmp, fmt.Sprintf("state-%d.json", w.n))
	if err := os.WriteFile(p, state, 0o600); err != nil {
		return err
	}
	s := w.build(w.clock.fake(), p)
	if err := s.Err(); err != nil {
		s.Close()
		if from != "" {
			// The simulator read the runner's copy: name the user's file.
			var se *sim.StateError
			if errors.As(err, &se) {
				where := ""
				if se.Where != "" {
					where = "at " + se.Where + ": "
				}
				return fmt.Errorf("%s is not a simulator state file: %s%s", from, where, se.Problem)
			}
			return fmt.Errorf("%s is not a simulator state file: %v", from, err)
		}
		return err
	}
	w.swap(s)
	return nil
}

func (w *world) close() {
	_ = w.http.Close()
	if s := w.cur.Load(); s != nil {
		s.Close()
	}
	_ = os.RemoveAll(w.tmp)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
