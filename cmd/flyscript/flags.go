package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// usage is the text of --help.
const usage = `flyscript runs Lua scripts that automate Fly.io Machines.

Usage:
  flyscript [flags] script.lua [args...]   run a script; arg[1..] hold its arguments
  flyscript [flags] -e CODE [script.lua]   run CODE (then the script, if any)
  flyscript [flags] -                      run the script read from stdin
  flyscript [flags]                        a REPL on a terminal, else run stdin
  flyscript sim [flags]                    serve the Machines API simulator
  flyscript plan [flags] script.lua        print what a script would change, changing nothing
  flyscript test [flags] [path ...]        run the tests of *_test.lua files on a simulator
  flyscript defs [--out DIR]               write editor definitions (lua-language-server)
  flyscript version | help [COMMAND]       the versions, this text, or a command's (no token needed)

Flags (before the script name; everything after it goes to the script):
  --app NAME         default app of fly.machines, fly.volumes, ... (env FLY_APP_NAME)
  --token TOKEN      API token (env FLY_API_TOKEN, FLY_ACCESS_TOKEN, ~/.fly/config.yml)
  --api-url URL      API endpoint (env FLY_FLAPS_BASE_URL; default https://api.machines.dev)
  --sim              run against the built-in simulator: no token, no network
  --sim-state FILE   the simulator keeps its state in FILE between runs (implies --sim;
                     the same flag as flyscript sim --sim-state)
  --rate-limits on|off  pace requests under the API's documented rate limits (default on;
                     off also turns them off in --sim's simulator)
  --timeout DUR      stop the script after DUR (e.g. 30s, 5m), exit status 124; 0 means no limit
  --json             print the values the script (or each -e chunk) returns as JSON on
                     stdout, one document per value and line (records as their JSON)
  --trace            print one line per HTTP call on stderr, and each rate-limit wait
  --log-level LEVEL  lowest level of log.* lines: debug, info, warn, error, off
  --sandbox          no files, no processes: io, os.execute, loadfile, require of files...,
                     and no environment variables but those of --env
  --env NAME         let the script read the variable NAME (repeatable); once given,
                     os.getenv and env.get see only the variables named
  --max-memory SIZE  end the script when it grows the heap past SIZE (e.g. 512MiB, 2GiB;
                     0: no limit); default 1GiB, 256MiB with --sandbox
  -e CODE            run CODE; may be repeated
  -i                 open the REPL after the script (before the script name: after it,
                     -i is an argument of the script, like any other)
  --version          print the versions of flyscript, gopher-lua and Go
  --help             this text

Examples:
  flyscript --sim examples/quickstart.lua
  flyscript --app my-app rolling-restart.lua 30s
  flyscript --app my-app -e 'for _, m in ipairs(fly.machines.list()) do print(m) end'
  FLY_API_TOKEN=$(fly auth token) flyscript --trace cleanup.lua --hours 24
  echo 'print(#fly.apps.list())' | flyscript -

Exit status: 0 ok, 1 script error (or os.exit's code), 2 usage error, 124 --timeout,
130 interrupted (SIGINT), 143 terminated (SIGTERM), 129 hangup (SIGHUP).
`

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "\n") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// parseFlags parses the command line. Parsing stops at the first argument
// that is not a flag (the script, or "-" for stdin); it and everything
// after it belong to the script.
func parseFlags(args []string) (flags, error) {
	var f flags
	var evals, envNames multiFlag
	fs := runnerFlagSet(&f, &evals, &envNames)
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			f.help = true
			return f, nil
		}
		return f, &usageError{msg: cleanFlagError(err)}
	}
	f.eval = evals
	f.envNames = envNames
	if rest := fs.Args(); len(rest) > 0 {
		f.script, f.args = rest[0], rest[1:]
	}
	return f, nil
}

// takesValue reports whether the runner's flag name takes a value (--app
// web), as opposed to a switch (--sim); false for a flag it does not have.
func takesValue(name string) bool {
	var f flags
	var evals, envNames multiFlag
	fl := runnerFlagSet(&f, &evals, &envNames).Lookup(name)
	if fl == nil {
		return false
	}
	b, isBool := fl.Value.(interface{ IsBoolFlag() bool })
	return !isBool || !b.IsBoolFlag()
}

// runnerFlagSet defines the runner's flags over f, evals (-e) and envNames
// (--env).
func runnerFlagSet(f *flags, evals, envNames *multiFlag) *flag.FlagSet {
	fs := flag.NewFlagSet("flyscript", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.app, "app", "", "")
	fs.StringVar(&f.token, "token", "", "")
	fs.StringVar(&f.apiURL, "api-url", "", "")
	fs.BoolVar(&f.sim, "sim", false, "")
	fs.StringVar(&f.simState, "sim-state", "", "")
	fs.DurationVar(&f.timeout, "timeout", 0, "")
	fs.BoolVar(&f.trace, "trace", false, "")
	fs.BoolVar(&f.json, "json", false, "")
	f.rateLimits = true
	fs.Var((*onOff)(&f.rateLimits), "rate-limits", "")
	fs.StringVar(&f.logLevel, "log-level", "", "")
	fs.BoolVar(&f.sandbox, "sandbox", false, "")
	fs.BoolVar(&f.version, "version", false, "")
	fs.BoolVar(&f.version, "v", false, "")
	fs.BoolVar(&f.help, "help", false, "")
	fs.BoolVar(&f.help, "h", false, "")
	fs.BoolVar(&f.interactive, "i", false, "")
	fs.Var(evals, "e", "")
	fs.Var(envNames, "env", "")
	fs.Var(&f.maxMemory, "max-memory", "")
	return fs
}

// cleanFlagError words the flag package's errors the way the rest of the
// command speaks: "--timeout" rather than "-timeout", an unknown flag with
// the nearest one.
func cleanFlagError(err error) string {
	var f flags
	var evals, envNames multiFlag
	msg := flagErrorText(runnerFlagSet(&f, &evals, &envNames), err)
	if strings.HasPrefix(msg, "invalid value") && strings.Contains(msg, "--timeout") {
		msg += " (use a duration such as 30s or 5m)"
	}
	return msg
}

// printUsageError prints a usage mistake and where to read more.
func printUsageError(w io.Writer, err error) {
	fmt.Fprintf(w, "flyscript: %v\nRun 'flyscript --help' for usage.\n", err)
}
