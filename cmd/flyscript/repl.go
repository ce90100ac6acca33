package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/luadefs"
	"github.com/flyscript/flyscript/internal/repl"
	"github.com/flyscript/flyscript/stdlib"
)

// replMaxEntries is how many entries of a table the REPL prints.
const replMaxEntries = 100

// interactive runs the interactive shell on vm: after the script with -i, or
// instead of one on a terminal. It returns the command's exit status.
//
// SIGINT cancels ctx (see main), but at the prompt it only cancels the
// statement running: the session itself lives on a context that SIGINT
// does not end, and stops on Ctrl-D, .exit, os.exit, SIGTERM or SIGHUP.
//
// When stdin is not a terminal (flyscript -i < file), its lines are
// evaluated one after the other as if typed, without line editing.
func interactive(ctx context.Context, vm *flyscript.VM, s settings, stdin io.Reader, stdout, stderr io.Writer, env []string, plan *planSwitch) int {
	var cmds []repl.Command
	prompt := func() string { return "" }
	if plan != nil {
		cmds, prompt = plan.commands(stdout, stderr), plan.prompt
	}
	// Values print while the statement's context is still on the state, so
	// that Ctrl-C cuts the printing of a huge value short.
	inspect := func(v lua.LValue) string {
		// A long table shows its first entries; inspect(_) shows all.
		return stdlib.Inspect(v, stdlib.InspectOptions{Context: vm.LState().Context(), MaxEntries: replMaxEntries, MoreNote: "inspect(_) shows all",
			FuncName: func(fn *lua.LFunction) (string, bool) { return bindings.FuncName(vm.LState(), fn) }})
	}
	exec := func(ctx context.Context, fn *lua.LFunction) ([]lua.LValue, error) { return vm.Call(ctx, fn) }
	funcName := func(fn *lua.LFunction) (string, bool) { return bindings.FuncName(vm.LState(), fn) }
	if !isTerminal(stdin) {
		ev := &repl.Evaluator{L: vm.LState(), Out: stdout, Err: stderr, Inspect: inspect,
			FormatError: formatREPLError, Exec: exec, Exited: vm.Exited}
		help := repl.NewHelp(luadefs.Docs())
		help.Types, help.FuncName = luadefs.TypeDoc, funcName
		help.Install(vm.LState(), func(s string) { fmt.Fprintln(stdout, s) })
		sc := bufio.NewScanner(stdin)
		sc.Buffer(make([]byte, 64*1024), 4<<20)
		for sc.Scan() {
			if !ev.Pending() {
				if handled, exit := repl.DotCommand(sc.Text(), help, cmds, stdout, stderr, false); exit {
					break
				} else if handled {
					continue
				}
			}
			if ev.Line(ctx, sc.Text()) == repl.Exit {
				code, _ := vm.Exited()
				return code
			}
			if ctx.Err() != nil {
				msg, status := interruption(ctx)
				fmt.Fprintln(stderr, msg)
				return status
			}
		}
		if plan != nil {
			plan.leave(stdout)
		}
		return exitOK
	}
	cfg := repl.Config{
		L:           vm.LState(),
		Stdout:      stdout,
		Stderr:      stderr,
		Banner:      banner(s, vm),
		HistoryPath: repl.HistoryPath(lookupEnv(env)),
		Secret:      holdsToken(s, lookupEnv(env)),
		Inspect:     inspect,
		FormatError: formatREPLError,
		Exec:        exec,
		Exited:      vm.Exited,
		Docs:        luadefs.Docs(),
		Types:       luadefs.TypeDoc,
		FuncName:    funcName,
		PureCalls:   map[string]bool{"fly.app": true},
		Commands:    cmds,
		Prompt:      prompt,
		// SIGTERM or SIGHUP at the prompt: the terminal is restored and
		// the history saved; nothing runs, so the process ends here (the
		// simulator's journal holds every change it answered).
		Abandon: func() {
			msg, status := interruption(ctx)
			fmt.Fprintln(stderr, "\n"+msg)
			os.Exit(status)
		},
	}
	// SIGTERM and SIGHUP end the session (the statement running is
	// cancelled, then the session stops); SIGINT only cancels the statement.
	session, endSession := context.WithCancel(context.WithoutCancel(ctx))
	defer endSession()
	unwatch := context.AfterFunc(ctx, func() {
		if _, status := interruption(ctx); status != exitInterrupted {
			endSession()
		}
	})
	defer unwatch()
	err := repl.Run(session, cfg)
	if plan != nil {
		plan.leave(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "flyscript: %v\n", err)
		return exitFailure
	}
	if msg, status := interruption(ctx); ctx.Err() != nil && status != exitInterrupted {
		fmt.Fprintln(stderr, msg)
		return status
	}
	if code, exited := vm.Exited(); exited {
		return code
	}
	return exitOK
}

// holdsToken reports whether a line holds a token of the session, or a
// run of 16 or more of its characters (what the output redactor hides).
func holdsToken(s settings, getenv func(string) string) func(string) bool {
	token := s.Token
	if s.TokenSource == "simulator" {
		token = "" // simToken: not a secret
	}
	red := newRedactor(token, getenv("FLY_API_TOKEN"), getenv("FLY_ACCESS_TOKEN"))
	return func(line string) bool { return red.String(line) != line }
}

// banner says what the session talks to and how to get help.
func banner(s settings, vm *flyscript.VM) string {
	target := s.APIURL
	if s.Sim {
		target = "the built-in simulator"
	}
	app := vm.App()
	if app == "" {
		app = `none (fly.use("name") picks one)`
	}
	return fmt.Sprintf("flyscript %s, Lua 5.1 (gopher-lua); API: %s; app: %s\n"+
		"Type .help for help, help(fly.machines) for a namespace, Ctrl-D or .exit to leave.",
		flyscript.Version(), target, app)
}

// formatREPLError prints an error at the prompt as a script's error prints,
// without the program name in front: the message through __tostring, the
// hint, the traceback.
func formatREPLError(err error) string {
	var b strings.Builder
	printScriptError(&b, err)
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "flyscript: "), "\n")
}
