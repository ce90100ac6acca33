package testrun

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
)

// Outcome is how a test ended.
type Outcome string

// Outcomes. A failure is a failed assertion (the assert module, or Lua's
// assert); an error is anything else raised, and also a file that does not
// load or registers no test.
const (
	Pass  Outcome = "pass"
	Fail  Outcome = "fail"
	Error Outcome = "error"
)

// Result is one test's outcome, or a file's when it could not run its tests
// (Name is then "(file)").
type Result struct {
	File      string        `json:"file"`
	Name      string        `json:"name"`
	Outcome   Outcome       `json:"outcome"`
	Message   string        `json:"message,omitempty"`   // the error, without its location
	Where     string        `json:"where,omitempty"`     // file:line in the test file
	Traceback string        `json:"traceback,omitempty"` // when the error came from elsewhere (the user's script)
	Output    string        `json:"output,omitempty"`    // what the test printed
	Elapsed   time.Duration `json:"elapsed_ns"`          // real time
	Virtual   time.Duration `json:"virtual_ns"`          // virtual time that passed
}

// FileName is the Name of a Result about a whole file.
const FileName = "(file)"

// Options configure Run.
type Options struct {
	// Match selects the tests to run by name (nil: all).
	Match *regexp.Regexp
	// Parallel is how many files run at once (default: the number of CPUs).
	Parallel int
	// Env is the environment scripts see (env.get, os.getenv, run's default).
	Env []string
	// Timeout bounds each test and each file's top level in real time
	// (0: no bound).
	Timeout time.Duration
	// Report, when set, receives each file's results as soon as the file is
	// done, one file at a time.
	Report func(file string, results []Result)
}

// Run runs the tests of files and returns the results in file order, each
// file's in test order.
func Run(ctx context.Context, files []string, opts Options) []Result {
	n := opts.Parallel
	if n <= 0 {
		n = runtime.NumCPU()
	}
	results := make([][]Result, len(files))
	var mu sync.Mutex
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, file := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rs := runFile(ctx, file, opts)
			results[i] = rs
			if opts.Report != nil {
				mu.Lock()
				opts.Report(file, rs)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var out []Result
	for _, rs := range results {
		out = append(out, rs...)
	}
	return out
}

// fileRun is one test file being run.
type fileRun struct {
	path    string
	env     []string
	vm      *flyscript.VM
	api     *client.Client
	world   *world
	out     *syncBuffer
	tests   []*testCase
	current *testCase
	// asserted is the message of the last failed Lua assert, so that an
	// error carrying it counts as a failure, not an error.
	asserted string
}

func runFile(ctx context.Context, path string, opts Options) []Result {
	fileErr := func(msg string) []Result {
		return []Result{{File: path, Name: FileName, Outcome: Error, Message: msg}}
	}
	w, err := newWorld()
	if err != nil {
		return fileErr(err.Error())
	}
	defer w.close()
	api, err := client.New(client.WithBaseURL(w.url), client.WithToken("flyscript-test"), client.WithClock(w.clock))
	if err != nil {
		return fileErr(err.Error())
	}
	out := &syncBuffer{}
	vm, err := flyscript.New(
		flyscript.WithClient(api),
		flyscript.WithVirtualTime(w.clock),
		flyscript.WithStdout(out),
		flyscript.WithStderr(out),
		flyscript.WithEnv(opts.Env),
	)
	if err != nil {
		return fileErr(err.Error())
	}
	defer vm.Close()
	f := &fileRun{path: path, env: opts.Env, vm: vm, api: api, world: w, out: out}
	f.install()

	began := time.Now()
	tctx, cancel := withTimeout(ctx, opts.Timeout)
	err = exitError(vm, vm.Run(tctx, path))
	if err != nil {
		r := f.result(FileName, err, tctx, opts.Timeout) // before cancel: it reads tctx
		cancel()
		r.Output, r.Elapsed = out.String(), time.Since(began)
		return []Result{r}
	}
	cancel()
	if len(f.tests) == 0 {
		r := Result{File: path, Name: FileName, Outcome: Error, Elapsed: time.Since(began), Output: out.String(),
			Message: "no tests: the file registers none (call test(name, fn) at its top level)"}
		return []Result{r}
	}
	var results []Result
	first := true
	for _, t := range f.tests {
		if opts.Match != nil && !opts.Match.MatchString(t.name) {
			continue
		}
		if ctx.Err() != nil {
			break
		}
		start := epoch
		if !first {
			start = w.nextStart()
		}
		first = false
		w.reset(start)
		results = append(results, f.runTest(ctx, t, opts.Timeout))
	}
	return results
}

func (f *fileRun) runTest(ctx context.Context, t *testCase, timeout time.Duration) Result {
	mark := f.out.Len()
	began, vbegan := time.Now(), f.world.clock.Now()
	tctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	f.current, f.asserted = t, ""
	_, err := f.vm.Call(tctx, t.fn)
	err = exitError(f.vm, err)
	f.current = nil
	r := Result{File: f.path, Name: t.name, Outcome: Pass}
	if err != nil {
		r = f.result(t.name, err, tctx, timeout)
		if r.Where == "" {
			r.Where = f.path + ":" + strconv.Itoa(t.line)
		}
	}
	r.Elapsed, r.Virtual = time.Since(began), f.world.clock.Now().Sub(vbegan)
	r.Output = f.out.From(mark)
	return r
}

// exitError is err, or the *flyscript.ExitError of an os.exit(0), which
// ends the code with no error: a test that stops itself has not passed.
func exitError(vm *flyscript.VM, err error) error {
	if code, exited := vm.Exited(); exited && err == nil {
		return &flyscript.ExitError{Code: code}
	}
	return err
}

// result classifies an error of a test (or of the file's top level).
func (f *fileRun) result(name string, err error, ctx context.Context, timeout time.Duration) Result {
	r := Result{File: f.path, Name: name, Outcome: Error, Message: err.Error()}
	var exit *flyscript.ExitError
	if errors.As(err, &exit) {
		r.Message = fmt.Sprintf("os.exit(%d) called in a test file", exit.Code)
		return r
	}
	var se *flyscript.ScriptError
	if !errors.As(err, &se) {
		return r
	}
	if errors.Is(se.Err, context.DeadlineExceeded) && timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		r.Message = fmt.Sprintf("timed out after %v of real time (--timeout)", timeout)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		// The whole run was stopped (a signal, a cancelled CI job).
		r.Message = "interrupted"
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			r.Message += " (" + cause.Error() + ")"
		}
	}
	msg := se.Message
	where := ""
	if loc, rest, ok := cutLocation(msg); ok {
		where, msg = loc, rest
	}
	if strings.HasPrefix(msg, "assert.") || (f.asserted != "" && msg == f.asserted) || tasksFailedAsserting(se.Value) {
		r.Outcome = Fail
	}
	if r.Message == err.Error() {
		r.Message = msg
	}
	if se.Hint != "" && !strings.Contains(msg, se.Hint) {
		r.Message += " (hint: " + se.Hint + ")"
	}
	// The line of the test file: the error's own when it is there, else
	// the innermost frame of the traceback in the test file.
	if fileOf(where) == f.path {
		r.Where = where
	} else {
		r.Where = f.frameIn(se.Traceback)
		if where == "" {
			where = se.Where
		}
		if where != "" && fileOf(where) != f.path {
			r.Message = where + ": " + r.Message
			r.Traceback = trimTraceback(se.Traceback)
		}
	}
	return r
}

// tasksFailedAsserting reports whether v is the error of a fly.parallel
// whose every failed item failed an assert module assertion: a failed
// assertion in a task is a failure, as in the test itself.
func tasksFailedAsserting(v any) bool {
	e, ok := v.(map[string]any)
	if !ok || e["op"] != "fly.parallel" {
		return false
	}
	var msgs []any
	switch errs := e["errors"].(type) {
	case []any:
		msgs = errs
	case map[string]any:
		for _, m := range errs {
			msgs = append(msgs, m)
		}
	}
	for _, m := range msgs {
		s, ok := m.(string)
		if !ok {
			return false
		}
		if _, rest, found := cutLocation(s); found {
			s = rest
		}
		if !strings.HasPrefix(s, "assert.") {
			return false
		}
	}
	return len(msgs) > 0
}

// cutLocation splits "file:line: rest".
func cutLocation(msg string) (loc, rest string, ok bool) {
	i := strings.Index(msg, ": ")
	if i < 0 {
		return "", msg, false
	}
	loc = msg[:i]
	j := strings.LastIndexByte(loc, ':')
	if j < 0 {
		return "", msg, false
	}
	if _, err := strconv.Atoi(loc[j+1:]); err != nil || strings.ContainsAny(loc, "\n ") {
		return "", msg, false
	}
	return loc, msg[i+2:], true
}

func fileOf(where string) string {
	if i := strings.LastIndexByte(where, ':'); i >= 0 {
		return where[:i]
	}
	return where
}

// frameIn returns the innermost "file:line" of the traceback in the test
// file.
func (f *fileRun) frameIn(tb string) string {
	for _, line := range strings.Split(tb, "\n") {
		line = strings.TrimSpace(line)
		if loc, _, ok := cutLocation(line); ok && fileOf(loc) == f.path {
			return loc
		}
	}
	return ""
}

// trimTraceback drops the frames of the runner's own Go functions.
func trimTraceback(tb string) string {
	var keep []string
	for _, line := range strings.Split(tb, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "[G]:") || t == "" {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "\n")
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}

// syncBuffer collects a file's output; keepers and tasks may write from
// other goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b = append(s.b, p...)
	return len(p), nil
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.b)
}

func (s *syncBuffer) From(i int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.b[i:])
}

func (s *syncBuffer) String() string { return s.From(0) }
