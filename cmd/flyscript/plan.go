package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/internal/smallfile"
)

// planUsage is the text of `flyscript plan --help`.
const planUsage = `flyscript plan runs a script against a shadow of the real fleet and prints
what it would change, without changing anything.

Usage:
  flyscript plan [flags] script.lua [args...]

Reads go to the API the first time a resource is read and seed an in-process
simulator; every change goes to that simulator, never to the API. After the
script's own output comes one line per change (the OpenAPI operation, the
resource, a diff of the config for updates) and a summary.

Flags: the runner's (--app, --token, --api-url, --sim, --timeout, --trace,
--log-level, --sandbox, -e; see 'flyscript --help'), and
  --plan-json FILE   also write the plan as JSON to FILE (stable between runs)

Exit status: 0 the script succeeded in the shadow, 1 it failed (the plan up to
the failure is printed), 2 usage error, 130, 143 or 129 stopped by SIGINT,
SIGTERM or SIGHUP (the plan so far is printed).
`

// planRun is the plan of one `flyscript plan`.
type planRun struct {
	planner *flyscript.Planner
}

// start puts a planner in front of the API at base.
func (p *planRun) start(base string) (http.RoundTripper, error) {
	planner, err := flyscript.NewPlanner(base, nil)
	if err != nil {
		return nil, err
	}
	p.planner = planner
	return planner.Transport(), nil
}

// splitPlanFlags takes --plan-json out of the flags before the script and
// reports --help; the rest is the runner's command line.
func splitPlanFlags(args []string) (jsonPath string, rest []string, help bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || a == "-" || !strings.HasPrefix(a, "-") {
			return jsonPath, append(rest, args[i:]...), help, nil
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		switch {
		case name == "plan-json":
			if !hasValue {
				if i+1 >= len(args) {
					return "", nil, false, errors.New("flag needs an argument: --plan-json")
				}
				i++
				value = args[i]
			}
			if value == "" {
				return "", nil, false, errors.New("--plan-json needs a file name")
			}
			jsonPath = value
			continue
		case name == "h" || name == "help":
			help = true
		case name == "i":
			return "", nil, false, errors.New("plan runs scripts; in the REPL, .plan plans what follows")
		}
		rest = append(rest, a)
		if takesValue(name) && !hasValue && i+1 < len(args) {
			i++
			rest = append(rest, args[i])
		}
	}
	return jsonPath, rest, help, nil
}

// planCommand is `flyscript plan`: the script runner with the plan overlay
// between the client and the API, then the plan.
func planCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: env}
	return c.runPlan(ctx, args)
}

func (c *cli) runPlan(ctx context.Context, args []string) int {
	jsonPath, rest, help, err := splitPlanFlags(args)
	if err != nil {
		fmt.Fprintf(c.stderr, "flyscript plan: %v\nRun 'flyscript plan --help' for usage.\n", err)
		return exitUsage
	}
	if help {
		_, _ = io.WriteString(c.stdout, planUsage)
		return exitOK
	}
	if f, err := parseFlags(rest); err == nil && f.script == "" && len(f.eval) == 0 {
		fmt.Fprintln(c.stderr, "flyscript plan: a script is required\nRun 'flyscript plan --help' for usage.")
		return exitUsage
	}
	if err := checkPlanJSONPath(jsonPath); err != nil {
		// Found before the script runs, not after it.
		fmt.Fprintf(c.stderr, "flyscript plan: %v\nRun 'flyscript plan --help' for usage.\n", err)
		return exitUsage
	}
	// The plan goes through a redactor of every token in sight, as all
	// the command's output does (a config diff may hold anything).
	red := planRedactor(rest, lookupEnv(c.env))
	stdout := red.Writer(c.stdout)
	out := &countingWriter{w: c.stdout}
	c.stdout, c.plan = out, &planRun{}
	code := c.main(ctx, rest)
	if c.plan.planner == nil {
		return code // stopped before any request could be made
	}
	defer c.plan.planner.Close()
	p := c.plan.planner.Plan()
	if out.n > 0 {
		_, _ = io.WriteString(stdout, "\n")
	}
	// Colours only on a terminal, and not when NO_COLOR is set (no-color.org).
	if err := p.WriteText(stdout, isTerminal(c.stdout) && lookupEnv(c.env)("NO_COLOR") == ""); err != nil {
		// The plan is what the command is for: one that did not reach its
		// reader (a full disk, a closed stdout) is a failure.
		fmt.Fprintf(c.stderr, "flyscript plan: cannot print the plan: %v\n", err)
		if code == exitOK {
			code = exitFailure
		}
	}
	if jsonPath != "" {
		if err := writePlanJSON(jsonPath, p, red); err != nil {
			fmt.Fprintf(c.stderr, "flyscript plan: %v\n", err)
			if code == exitOK {
				code = exitFailure
			}
		}
	}
	return code
}

// planRedactor hides the tokens the runner would hide: the flag's, the
// environment's and the one of ~/.fly/config.yml.
func planRedactor(args []string, getenv func(string) string) *redactor {
	f, _ := parseFlags(args)
	s, _ := resolve(f, getenv)
	return newRedactor(f.token, getenv("FLY_API_TOKEN"), getenv("FLY_ACCESS_TOKEN"), s.Token)
}

// checkPlanJSONPath refuses a --plan-json path the plan could not be
// written to: a folder, or a file in a folder that does not exist.
func checkPlanJSONPath(path string) error {
	if path == "" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("--plan-json %s is a folder: give a file name", path)
	}
	if info, err := os.Stat(filepath.Dir(path)); err != nil || !info.IsDir() {
		return fmt.Errorf("--plan-json %s: the folder %s does not exist", path, filepath.Dir(path))
	}
	return nil
}

// writeTo writes b to the file at target, which is no regular file (a
// device, a FIFO); path is how the user named it.
func writeTo(target, path string, b []byte) error {
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write --plan-json %s: %w", path, smallfile.Reason(err))
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot write --plan-json %s: %w", path, smallfile.Reason(err))
	}
	return nil
}

// writePlanJSON writes the plan to path atomically: a reader never sees half
// a file, and a failed write leaves an older file whole.
func writePlanJSON(path string, p flyscript.Plan, red *redactor) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	b = append([]byte(red.String(string(b))), '\n')
	// Through a link, to what it points at: the link stays a link.
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	}
	if info, err := os.Stat(target); err == nil && !info.Mode().IsRegular() {
		// /dev/stdout, a FIFO: written to, never replaced by a file (a
		// rename over /dev/stdout, as root, would break it for everyone).
		return writeTo(target, path, b)
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".plan-*.json")
	if err != nil {
		return fmt.Errorf("cannot write --plan-json %s: %w", path, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), target)
	}
	if werr != nil {
		_ = os.Remove(tmp.Name())
		var le *os.LinkError // the rename's: it names the temporary file
		if errors.As(werr, &le) {
			werr = le.Err
		}
		return fmt.Errorf("cannot write --plan-json %s: %w", path, werr)
	}
	return nil
}

// countingWriter counts what the script wrote, to separate the plan from
// it with a blank line only when there is something to separate.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
