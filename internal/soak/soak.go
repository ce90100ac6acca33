// Package soak is the fault soak of flyscript: a Lua script (soak.lua) run
// through the embedding API makes idempotent calls and named machine creates
// against a simulator that injects errors, connection resets and latency,
// and the simulator's final state is checked against what the script was
// told: every idempotent call succeeded, every create either returned a
// machine or raised an error saying its outcome, and the simulator holds
// exactly one machine per create that returned one, never two.
//
// The CI runs a small size (see the package's test); scripts/soak.sh runs
// the full size of issue 9 (2,000 calls, 200 creates, 50 ms ± 25 ms).
package soak

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

//go:embed soak.lua
var script []byte

// Config is one soak run.
type Config struct {
	// Calls is the number of idempotent calls, Creates the number of named
	// machine creates.
	Calls, Creates int
	// Faults are injected by the simulator.
	Faults sim.Faults
	// Latency and Jitter delay every answer by Latency ± Jitter.
	Latency, Jitter time.Duration
	// Seed seeds the simulator's faults and identifiers.
	Seed int64
	// TimeScale divides the client's waits (retry backoff and Retry-After)
	// to make a small run fast; 0 or 1 is real time.
	TimeScale float64
	// Retry is the client's retry policy; the zero value is the client's
	// default.
	Retry client.RetryPolicy
	// Unnamed makes the creates carry no name, so that a create whose
	// answer is lost cannot be looked up and must say outcome_unknown.
	Unnamed bool
}

// Full is the size of issue 9: 2,000 idempotent calls and 200 creates,
// 10% 503, 5% 429 and 5% connection resets (half before, half after the
// request is processed), 50 ms ± 25 ms of latency, in real time.
func Full() Config {
	return Config{
		Calls: 2000, Creates: 200,
		Faults:  sim.Faults{Error503: 0.10, Error429: 0.05, ResetBefore: 0.025, ResetAfter: 0.025},
		Latency: 50 * time.Millisecond, Jitter: 25 * time.Millisecond,
		Seed:  1,
		Retry: SoakRetry,
	}
}

// CI is a tenth of Full with the same fault shares, 2 ms ± 1 ms of latency
// and the client's waits divided by 50 (a Retry-After of 1 s waits 20 ms),
// so that it runs in a few seconds under the race detector.
func CI() Config {
	c := Full()
	c.Calls, c.Creates = c.Calls/10, c.Creates/10
	c.Latency, c.Jitter = 2*time.Millisecond, time.Millisecond
	c.TimeScale = 50
	return c
}

// SoakRetry is the client's default policy with 8 attempts instead of 5.
// With 20% of attempts failing on purpose, a call fails all 5 default
// attempts with probability 0.2^5 = 3.2e-4, which 2,000 calls meet about
// 0.6 times; 8 attempts bring it to 2.6e-6. Report.Attempts tells how many
// calls needed more than 5.
var SoakRetry = client.RetryPolicy{MaxAttempts: 8}

// Report is what a run did and what the simulator holds afterwards.
type Report struct {
	// Calls is the number of idempotent calls the script made; CallErrors
	// are the ones that raised.
	Calls      int      `json:"calls"`
	CallErrors []string `json:"call_errors"`
	// Created are the names whose create returned a machine.
	Created []string `json:"created"`
	// Unknown are the creates that raised an outcome_unknown error.
	Unknown []Failure `json:"unknown"`
	// Failed are the creates that raised another error.
	Failed []Failure `json:"failed"`

	// Machines counts the simulator's machines per name at the end.
	Machines map[string]int `json:"-"`
	// Duplicates are the names held by more than one machine.
	Duplicates []string `json:"-"`
	// Missing are the names whose create returned a machine but that the
	// simulator does not hold.
	Missing []string `json:"-"`
	// FailedButPresent are the names whose create raised an error other
	// than outcome_unknown but that the simulator holds anyway.
	FailedButPresent []string `json:"-"`
	// UnknownPresent counts the outcome_unknown creates that did happen.
	UnknownPresent int `json:"-"`
	// Unexplained are machines whose name the script never asked for.
	Unexplained []string `json:"-"`

	// Attempts counts the HTTP attempts the client saw, by outcome: the
	// status ("200", "503", "429", ...) or "network" for a reset. Go's
	// transport itself retries a GET whose reused connection was reset
	// before any answer, so most resets of idempotent calls never reach
	// the client: Served counts them where they happen.
	Attempts map[string]int `json:"-"`
	// Served counts what the simulator's listener answered during the
	// script's run, by status, or "reset" ("reset of a create" counts the
	// resets of machine creates among them).
	Served map[string]int `json:"-"`
	// MaxAttempt is the largest attempt number of one call; Over5 counts
	// the calls that needed more than 5 attempts (the default policy).
	MaxAttempt, Over5 int `json:"-"`
	// Elapsed is the script's run time.
	Elapsed time.Duration `json:"-"`
	// Stderr is what the script wrote on stderr.
	Stderr string `json:"-"`
}

// Failure is a create that raised.
type Failure struct {
	Name    string `json:"name"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// OK reports whether the run kept every promise: no idempotent call
// failed, no duplicate, nothing lost, no error that hides a create.
func (r *Report) OK() bool {
	return len(r.CallErrors) == 0 && len(r.Duplicates) == 0 && len(r.Missing) == 0 &&
		len(r.FailedButPresent) == 0 && len(r.Unexplained) == 0 &&
		len(r.Created)+len(r.Unknown)+len(r.Failed) > 0
}

// Summary is the report in a few lines, for logs and RELIABILITY.md.
func (r *Report) Summary() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "idempotent calls: %d, failed: %d\n", r.Calls, len(r.CallErrors))
	fmt.Fprintf(&b, "creates: %d returned a machine, %d outcome_unknown (%d of them happened), %d other errors (%d of them happened anyway)\n",
		len(r.Created), len(r.Unknown), r.UnknownPresent, len(r.Failed), len(r.FailedButPresent))
	fmt.Fprintf(&b, "simulator: %d machines, %d duplicate names, %d returned but missing, %d unexplained\n",
		total(r.Machines), len(r.Duplicates), len(r.Missing), len(r.Unexplained))
	fmt.Fprintf(&b, "HTTP attempts seen by the client: %d (%s); most attempts for one call: %d; calls needing more than 5: %d\n",
		total(r.Attempts), counts(r.Attempts), r.MaxAttempt, r.Over5)
	fmt.Fprintf(&b, "served by the simulator: %d (%s)\n", total(r.Served)-r.Served["reset of a create"], counts(r.Served))
	fmt.Fprintf(&b, "elapsed: %s\n", r.Elapsed.Round(time.Millisecond))
	return b.String()
}

// counts is "200: 12, 503: 3".
func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s: %d", k, m[k])
	}
	return b.String()
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// scaledClock is the real clock with its sleeps divided.
type scaledClock struct{ scale float64 }

func (c scaledClock) Now() time.Time { return time.Now() }

func (c scaledClock) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(time.Duration(float64(d) / c.scale)):
		return nil
	}
}

// attempts counts the client's attempts.
type attempts struct {
	mu    sync.Mutex
	by    map[string]int
	max   int
	over5 int
}

func (a *attempts) observe(ci client.CallInfo) {
	a.mu.Lock()
	defer a.mu.Unlock()
	k := "network"
	if ci.StatusCode != 0 {
		k = strconv.Itoa(ci.StatusCode)
	} else if ci.Err == nil {
		k = "no status"
	}
	a.by[k]++
	if ci.Attempt > a.max {
		a.max = ci.Attempt
	}
	if ci.Attempt == 6 {
		a.over5++
	}
}

// served counts the answers of a handler, resets included.
type served struct {
	mu sync.Mutex
	by map[string]int
}

func (s *served) add(k string) {
	s.mu.Lock()
	s.by[k]++
	s.mu.Unlock()
}

func (s *served) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.by)
}

func (s *served) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &recordingWriter{ResponseWriter: w}
		h.ServeHTTP(rw, r)
		switch {
		case rw.hijacked:
			s.add("reset")
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/machines") {
				s.add("reset of a create")
			}
		case rw.status == 0:
			s.add("200")
		default:
			s.add(strconv.Itoa(rw.status))
		}
	})
}

// recordingWriter notes the status, and passes Hijack on: the simulator
// resets connections through it.
type recordingWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (w *recordingWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

const app = "soak"

// Run performs one soak against a fresh simulator and checks its state.
// The error is for a run that could not be made (the simulator did not
// start, the script did not finish); broken promises are in the Report
// (see OK).
func Run(ctx context.Context, cfg Config) (*Report, error) {
	s := sim.New(
		sim.WithFaults(cfg.Faults),
		sim.WithLatency(cfg.Latency, cfg.Jitter),
		sim.WithSeed(cfg.Seed),
		sim.WithTimings(sim.InstantTimings()),
	)
	defer s.Close()
	served := &served{by: map[string]int{}}
	srv := httptest.NewServer(served.wrap(s))
	defer srv.Close()

	// The checker has many attempts: its answers must come through the
	// same faults.
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc.CloseIdleConnections()
	checker, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("soak"), client.WithoutRateLimits(),
		client.WithHTTPClient(hc), client.WithRetryPolicy(client.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
		client.WithClock(scaledClock{scale: 1000}))
	if err != nil {
		return nil, err
	}
	if err := createApp(ctx, checker); err != nil {
		return nil, err
	}

	scale := cfg.TimeScale
	if scale <= 0 {
		scale = 1
	}
	att := &attempts{by: map[string]int{}}
	hc2 := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer hc2.CloseIdleConnections()
	api, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("soak"), client.WithoutRateLimits(),
		client.WithHTTPClient(hc2), client.WithRetryPolicy(cfg.Retry), client.WithClock(scaledClock{scale: scale}),
		client.WithObserver(att.observe))
	if err != nil {
		return nil, err
	}
	var stdout, stderr bytes.Buffer
	vm, err := flyscript.New(flyscript.WithClient(api), flyscript.WithStdout(&stdout), flyscript.WithStderr(&stderr))
	if err != nil {
		return nil, err
	}
	defer vm.Close()
	start := time.Now()
	prefix := "soak"
	if cfg.Unnamed {
		prefix = "-"
	}
	err = vm.RunSource(ctx, "soak.lua", script, strconv.Itoa(cfg.Calls), strconv.Itoa(cfg.Creates), prefix, app)
	elapsed := time.Since(start)
	if err != nil {
		return nil, fmt.Errorf("soak script: %w (stderr: %s)", err, stderr.String())
	}
	r := &Report{}
	if err := json.Unmarshal(stdout.Bytes(), r); err != nil {
		return nil, fmt.Errorf("soak report %q: %w", stdout.String(), err)
	}
	r.Elapsed, r.Stderr = elapsed, stderr.String()
	att.mu.Lock()
	r.Attempts, r.MaxAttempt, r.Over5 = att.by, att.max, att.over5
	att.mu.Unlock()
	r.Served = served.snapshot()

	machines, err := checker.Machines.List(ctx, app, nil)
	if err != nil {
		return nil, fmt.Errorf("listing the machines: %w", err)
	}
	r.Machines = map[string]int{}
	for _, m := range machines {
		r.Machines[m.Name]++
	}
	if cfg.Unnamed {
		checkUnnamed(r)
	} else {
		check(r)
	}
	return r, nil
}

// check compares the script's report with the simulator's machines.
func check(r *Report) {
	asked := map[string]bool{}
	for _, n := range r.Created {
		asked[n] = true
		if r.Machines[n] == 0 {
			r.Missing = append(r.Missing, n)
		}
	}
	for _, f := range r.Unknown {
		asked[f.Name] = true
		if r.Machines[f.Name] > 0 {
			r.UnknownPresent++
		}
	}
	for _, f := range r.Failed {
		asked[f.Name] = true
		if r.Machines[f.Name] > 0 {
			r.FailedButPresent = append(r.FailedButPresent, f.Name)
		}
	}
	for n, k := range r.Machines {
		if k > 1 {
			r.Duplicates = append(r.Duplicates, n)
		}
		if !asked[n] {
			r.Unexplained = append(r.Unexplained, n)
		}
	}
	sort.Strings(r.Duplicates)
	sort.Strings(r.Unexplained)
}

// checkUnnamed is check for creates without names: the machines cannot be
// matched to creates, so the counts must agree. Every create that returned a
// machine is there, and at most the outcome_unknown ones besides.
func checkUnnamed(r *Report) {
	got := total(r.Machines) // the simulator names them, as the API does
	switch {
	case got < len(r.Created):
		r.Missing = append(r.Missing, fmt.Sprintf("%d machines for %d creates that returned one", got, len(r.Created)))
	case got > len(r.Created)+len(r.Unknown):
		r.FailedButPresent = append(r.FailedButPresent, fmt.Sprintf("%d machines for %d creates that returned one and %d of unknown outcome",
			got, len(r.Created), len(r.Unknown)))
	default:
		r.UnknownPresent = got - len(r.Created)
	}
}

// createApp creates the app through the faults: a create whose answer was
// lost is checked with a get before it is tried again.
func createApp(ctx context.Context, c *client.Client) error {
	body := []byte(`{"app_name":"` + app + `","org_slug":"personal"}`)
	var last error
	for range 50 {
		_, err := c.Do(ctx, &client.Request{Method: http.MethodPost, Pattern: "/v1/apps", Body: body})
		if err == nil {
			return nil
		}
		last = err
		if _, gerr := c.Do(ctx, &client.Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}", Params: map[string]string{"app_name": app}}); gerr == nil {
			return nil
		} else if !errors.Is(gerr, client.ErrNotFound) {
			last = gerr
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return fmt.Errorf("creating app %s: %w", app, last)
}
