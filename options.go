package flyscript

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/stdlib"
)

// Option configures a VM in New.
type Option func(*config)

// config is everything New needs, gathered from the options.
type config struct {
	client   *client.Client
	app      string
	stdout   io.Writer
	stderr   io.Writer
	stdin    io.Reader
	logLevel string
	getenv   func(string) (string, bool)
	sandbox  bool
	progress bool
	path     []string
	now      func() time.Time
	clock    Clock
	// memLimit is WithMemoryLimit's budget; memLimitSet tells 0 (none)
	// from not given.
	memLimit    int64
	memLimitSet bool
	// err is the first option that could not be applied; New returns it.
	err error
}

// fail records an option's error; the first one wins.
func (c *config) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// WithClient sets the Machines API client the `fly` module calls through.
// Without it the `fly` functions raise "no API client: the program running
// this script created its VM without one", with a hint naming this option.
func WithClient(c *client.Client) Option { return func(cfg *config) { cfg.client = c } }

// WithApp sets the default app of app-scoped namespaces (fly.machines, ...),
// as the --app flag does. Scripts may still change it with fly.use.
func WithApp(name string) Option { return func(cfg *config) { cfg.app = name } }

// WithStdout sets where print, io.write and io.stdout write (default, and
// for a nil w: io.Discard, so that an embedded VM never writes to the
// process's stdout unless asked to). A write that fails makes io.write
// return nil and the error's message; print ignores it, as C Lua's does.
// A write that blocks blocks the script, deadline or not. The VM makes one
// write at a time to w and to WithStderr's writer (it writes from
// goroutines of its own too: a wait's spinner), so neither need be safe
// for concurrent use; a panic of a writer is the error of its write.
func WithStdout(w io.Writer) Option { return func(cfg *config) { cfg.stdout = w } }

// WithStderr sets where log lines, progress and io.stderr write (default,
// and for a nil w: io.Discard).
func WithStderr(w io.Writer) Option { return func(cfg *config) { cfg.stderr = w } }

// WithStdin sets what io.read, io.lines() and io.stdin read (default, and
// for a nil r: an empty reader). A read waiting for input gives up when the
// call's context ends (an *os.File such as os.Stdin is polled, so nothing
// is read after that; another reader's read goes on in the background and
// what it gets is kept for the next read). It has no effect under
// WithSandbox, which has no io library.
func WithStdin(r io.Reader) Option { return func(cfg *config) { cfg.stdin = r } }

// WithLogLevel sets the lowest level the log module prints: "debug",
// "info" (the default), "warn", "error", or "off" for none; New refuses
// another.
func WithLogLevel(level string) Option {
	return func(cfg *config) {
		if err := stdlib.CheckLogLevel(level); err != nil {
			cfg.fail(fmt.Errorf("flyscript: WithLogLevel(%q): %w", level, err))
			return
		}
		cfg.logLevel = level
	}
}

// WithEnv sets the environment scripts see through env.get, env.require and
// os.getenv, as a list of "KEY=value" strings like os.Environ returns.
func WithEnv(env []string) Option {
	return func(cfg *config) { cfg.getenv = lookupIn(env) }
}

// WithGetenv sets the function that env.get, env.require and os.getenv look
// variables up with.
func WithGetenv(getenv func(name string) (string, bool)) Option {
	return func(cfg *config) { cfg.getenv = getenv }
}

// WithHostEnv lets scripts read the process's environment (os.LookupEnv).
// It is the default without WithSandbox; a sandboxed VM sees no variables
// unless one of WithEnv, WithGetenv or WithHostEnv says otherwise.
func WithHostEnv() Option { return func(cfg *config) { cfg.getenv = os.LookupEnv } }

// WithProgress tells the `fly` module that stderr is a terminal, so that
// long waits may draw a spinner or a progress bar on it.
func WithProgress(on bool) Option { return func(cfg *config) { cfg.progress = on } }

// WithPackagePath adds folders that require searches for Lua modules
// (dir/?.lua and dir/?/init.lua), before the default path. Run adds the
// script's own folder by itself. Ignored under WithSandbox, where require
// loads preloaded modules only.
func WithPackagePath(dirs ...string) Option {
	return func(cfg *config) { cfg.path = append(cfg.path, dirs...) }
}

// WithClock sets the clock of time.now, time.since, time.format and the
// timestamps of log lines (default: time.Now). Tests of scripts use it with
// a simulator's fake clock.
func WithClock(now func() time.Time) Option { return func(cfg *config) { cfg.now = now } }

// WithSandbox builds a VM for scripts that are not trusted with the host:
// no io library, no os.execute, os.remove, os.rename, os.tmpname or
// os.setenv, no loadfile or dofile, no debug library, require of preloaded
// modules only (never files), no string.dump, and load/loadstring refuse
// binary chunks. os.getenv and the env module see no variables unless
// WithEnv, WithGetenv or WithHostEnv is given. os.exit ends the script, as
// it does in every VM. Bound a sandboxed script's running time with the
// context given to Run or Eval.
func WithSandbox() Option { return func(cfg *config) { cfg.sandbox = true } }

// lookupIn returns a getenv over a "KEY=value" list; the last entry wins, as
// with os/exec.
func lookupIn(env []string) func(string) (string, bool) {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if ok {
			m[k] = v
		}
	}
	return func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	}
}

// noEnv is the sandbox's default environment: empty.
func noEnv(string) (string, bool) { return "", false }
