package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/flyscript/flyscript/internal/testrun"
)

const testUsage = `usage: flyscript test [flags] [path ...]

Runs the tests of *_test.lua files under each path (default: the current
folder; hidden folders are skipped), each test against a fresh simulator in
virtual time. Flags may also follow the paths (after "--", all are paths).
Exit status: 0 when every test passes, 1 when any fails, 2 for
a usage error or when no test file is found, 130, 143 or 129 when stopped by
SIGINT, SIGTERM or SIGHUP.

In a test file: test(name, fn), sim.advance(d), sim.fail{...},
sim.requests(op?), sim.load(file), sim.save(file), sim.options{...},
run(path, args..., opts?) and the assert module (require("assert")).
See the README's "Testing your scripts".

flags:
`

// testCommand is `flyscript test [flags] [path ...]`.
func testCommand(ctx context.Context, args []string, stdout, stderr io.Writer, env []string) int {
	// Tests talk to the simulator only: they never see the API tokens of
	// the environment, and the output is redacted of them all the same.
	getenv := lookupEnv(env)
	red := newRedactor(getenv("FLY_API_TOKEN"), getenv("FLY_ACCESS_TOKEN"))
	stdout, stderr = red.Writer(stdout), red.Writer(stderr)
	env = withoutTokens(env)
	fs := newSubcommandFlags("test")
	runPattern := fs.String("run", "", "run only the tests whose name matches this `regexp`")
	verbose := fs.Bool("v", false, "print every test, not only failures")
	junit := fs.String("junit", "", "write JUnit XML to this `file`")
	jsonOut := fs.Bool("json", false, "write one JSON object per test on stdout instead of text")
	parallel := fs.Int("parallel", runtime.NumCPU(), "run this many test files at once")
	timeout := fs.Duration("timeout", time.Minute, "fail a test that runs longer than this in real time (0: no limit)")
	// Flags may come after paths too (flyscript test . --run X, as go
	// test takes them); "--" ends the flags.
	var paths []string
	for {
		if code, ok := parseSubcommandFlags(fs, args, testUsage, stdout, stderr); !ok {
			return code
		}
		rest := fs.Args()
		if len(rest) == 0 || (len(args) > len(rest) && args[len(args)-len(rest)-1] == "--") {
			paths = append(paths, rest...)
			break
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "flyscript test: "+format+"\n", a...)
		return exitUsage
	}
	var match *regexp.Regexp
	if *runPattern != "" {
		re, err := regexp.Compile(*runPattern)
		if err != nil {
			return usageErr("invalid --run: %v", err)
		}
		match = re
	}
	if *parallel < 1 {
		return usageErr("invalid --parallel %d: must be at least 1", *parallel)
	}
	if *timeout < 0 {
		return usageErr("invalid --timeout %v: must not be negative", *timeout)
	}
	files, err := testrun.Discover(paths)
	if err != nil {
		return usageErr("%v", err)
	}
	if len(files) == 0 {
		return usageErr("no test files (*%s) found", testrun.Suffix)
	}
	var junitFile *os.File
	if *junit != "" {
		// Created up front, so that a bad path is a usage error before
		// anything runs.
		junitFile, err = os.Create(*junit)
		if err != nil {
			return usageErr("cannot write --junit file: %v", err)
		}
	}
	start := time.Now()
	opts := testrun.Options{Match: match, Parallel: *parallel, Env: env, Timeout: *timeout}
	if !*jsonOut {
		opts.Report = func(file string, rs []testrun.Result) { testrun.WriteText(stdout, file, rs, *verbose) }
	}
	results := testrun.Run(ctx, files, opts)
	took := time.Since(start)
	sum := testrun.Summarize(results, len(files), took)
	if *jsonOut {
		if err := testrun.WriteJSON(stdout, results); err != nil {
			fmt.Fprintf(stderr, "flyscript test: %v\n", err)
			return exitFailure
		}
	} else {
		testrun.WriteSummary(stdout, sum)
	}
	if junitFile != nil {
		err := testrun.WriteJUnit(red.Writer(junitFile), results, took)
		if cerr := junitFile.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(stderr, "flyscript test: write %s: %v\n", *junit, err)
			return exitFailure
		}
	}
	if ctx.Err() != nil {
		msg, status := interruption(ctx) // 130, 143 or 129, as for a script
		fmt.Fprintln(stderr, strings.Replace(msg, "flyscript:", "flyscript test:", 1))
		return status
	}
	if sum.Tests == 0 && sum.OK() {
		fmt.Fprintf(stderr, "flyscript test: no test matches --run %q\n", *runPattern)
		return exitUsage
	}
	if !sum.OK() {
		return exitFailure
	}
	return exitOK
}

// withoutTokens drops the API tokens from an environment.
func withoutTokens(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k == "FLY_API_TOKEN" || k == "FLY_ACCESS_TOKEN" {
			continue
		}
		out = append(out, kv)
	}
	return out
}
