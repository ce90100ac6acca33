package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"

	"github.com/peterh/liner"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/term"

	"github.com/flyscript/flyscript/internal/editdist"
)

// Config sets up an interactive session.
type Config struct {
	// L is the Lua state the session evaluates in, with fly and the host
	// modules loaded.
	L *lua.LState
	// Stdout and Stderr receive values and errors. Prompts and line editing
	// use the process's terminal, as liner does.
	Stdout, Stderr io.Writer
	// Banner is printed once at start.
	Banner string
	// HistoryPath is the history file; empty keeps history in memory.
	HistoryPath string
	// Secret, when set, reports entries holding a secret the host knows
	// (its token, or a long enough run of it): such entries are never
	// stored, as those that merely look like a credential (Sensitive).
	Secret func(entry string) bool
	// Inspect, FormatError, Exec and Exited are the Evaluator's.
	Inspect     func(lua.LValue) string
	FormatError func(error) string
	Exec        func(ctx context.Context, fn *lua.LFunction) ([]lua.LValue, error)
	Exited      func() (code int, exited bool)
	// Docs feed help() and .help; Types and FuncName are Help's.
	Docs     []Doc
	Types    func(name string) (string, bool)
	FuncName func(fn *lua.LFunction) (string, bool)
	// PureCalls are the functions completion may call (see Completer).
	PureCalls map[string]bool
	// Commands are dot commands beyond .help, .clear and .exit.
	Commands []Command
	// Prompt, when set, is shown in front of the prompts: "plan" gives
	// "plan> " and "plan>> ".
	Prompt func() string
	// Abandon, when set, is called when ctx ends while the prompt waits
	// for a line (SIGTERM, SIGHUP): the line editor cannot be interrupted,
	// so Run restores the terminal and saves the history first, and
	// Abandon is expected to end the process. Without it the session ends
	// at the next line typed.
	Abandon func()
}

// Command is a dot command of the session: a line ".name args..." runs Run
// with the words after the name.
type Command struct {
	Name string // ".plan"
	Help string // its line in .help: ".plan [show|end]   ..."
	Run  func(args []string)
}

// RunCommand runs the dot command line names, if there is one, and
// reports whether it did.
func RunCommand(cmds []Command, line string) bool {
	words := strings.Fields(line)
	if len(words) == 0 || !strings.HasPrefix(words[0], ".") {
		return false
	}
	for _, c := range cmds {
		if c.Name == words[0] {
			c.Run(words[1:])
			return true
		}
	}
	return false
}

// DotCommand runs line when it is a dot command: .help (help's overview
// and the commands' lines), .clear (on a terminal only), .exit and .quit
// (exit is true), one of cmds, or an unknown one, which is named on stderr.
// handled is false for Lua code.
func DotCommand(line string, help *Help, cmds []Command, stdout, stderr io.Writer, terminal bool) (handled, exit bool) {
	switch strings.TrimSpace(line) {
	case ".exit", ".quit":
		return true, true
	case ".help":
		fmt.Fprintln(stdout, help.Overview())
		for _, c := range cmds {
			fmt.Fprintln(stdout, "  "+c.Help)
		}
		return true, false
	case ".clear":
		if terminal {
			fmt.Fprint(stdout, "\x1b[H\x1b[2J")
		}
		return true, false
	}
	if RunCommand(cmds, line) {
		return true, false
	}
	if msg, ok := UnknownCommand(cmds, line); ok {
		fmt.Fprintln(stderr, msg)
		return true, false
	}
	return false, false
}

// builtinCommands are the dot commands Run itself answers.
var builtinCommands = []string{".help", ".exit", ".quit", ".clear"}

// UnknownCommand words a line that is a dot command of no known name
// (".hlep"), which Lua would only call an unexpected symbol: ok is false
// for any other line (Lua code, a number such as .5).
func UnknownCommand(cmds []Command, line string) (msg string, ok bool) {
	words := strings.Fields(line)
	if len(words) == 0 || len(words[0]) < 2 || words[0][0] != '.' || !isLetter(words[0][1]) {
		return "", false
	}
	known := append([]string{}, builtinCommands...)
	for _, c := range cmds {
		known = append(known, c.Name)
	}
	if slices.Contains(known, words[0]) {
		return "", false
	}
	msg = fmt.Sprintf("unknown command %s", words[0])
	if best := editdist.Nearest(words[0], known, 2); best != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", best)
	}
	return msg + "; .help lists the commands", true
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// Run reads, evaluates and prints until Ctrl-D, `.exit` or ctx ends. The
// terminal is restored on every way out, a panic included. Ctrl-C at the
// prompt clears the line (or the unfinished chunk); Ctrl-C while a statement
// runs cancels it, its HTTP call in flight included, and returns to the
// prompt.
func Run(ctx context.Context, cfg Config) (err error) {
	ev := &Evaluator{L: cfg.L, Out: cfg.Stdout, Err: cfg.Stderr, Inspect: cfg.Inspect,
		FormatError: cfg.FormatError, Exec: cfg.Exec, Exited: cfg.Exited}
	help := NewHelp(cfg.Docs)
	help.Types, help.FuncName = cfg.Types, cfg.FuncName
	help.Install(cfg.L, func(s string) { fmt.Fprintln(cfg.Stdout, s) })
	comp := &Completer{L: cfg.L, PureCalls: cfg.PureCalls}

	var history []string
	if cfg.HistoryPath != "" {
		history, _ = ReadHistoryFile(cfg.HistoryPath)
	}
	saveHistory := func() {
		if cfg.HistoryPath == "" {
			return
		}
		if werr := WriteHistoryFile(cfg.HistoryPath, cfg.storable(history)); werr != nil {
			fmt.Fprintf(cfg.Stderr, "flyscript: could not write history: %v\n", werr)
		}
	}

	// The terminal's own mode, for the statements: liner leaves the
	// terminal without echo and line editing between prompts, where
	// io.read() would never see the end of a line (Enter sends a carriage
	// return) and nothing typed would show.
	cooked, cookedErr := liner.TerminalMode()
	if cookedErr == nil && term.IsTerminal(int(os.Stderr.Fd())) {
		// In the terminal's own mode Ctrl-C echoes "^C" where the
		// cursor is: blank those two columns, rather than print
		// "^Cinterrupted" (what the statement printed stays).
		ev.Interrupted = "\b\b  \b\binterrupted"
	}
	ln := liner.NewLiner()
	defer func() {
		// Restore the terminal first, on every path out, panics included.
		_ = ln.Close()
		saveHistory()
	}()
	ln.SetCtrlCAborts(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(comp.Complete)
	for _, h := range history {
		ln.AppendHistory(h)
	}

	// SIGINT arrives as a signal only while a statement runs (at the
	// prompt liner reads Ctrl-C as a key). It cancels that statement.
	var mu sync.Mutex
	var cancelRunning context.CancelFunc
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt)
	defer signal.Stop(sigc)
	go func() {
		for range sigc {
			mu.Lock()
			if cancelRunning != nil {
				cancelRunning()
			}
			mu.Unlock()
		}
	}()

	atPrompt := false // under mu
	if cfg.Abandon != nil {
		finished := make(chan struct{})
		defer close(finished)
		go func() {
			select {
			case <-finished:
				return
			case <-ctx.Done():
			}
			mu.Lock()
			defer mu.Unlock()
			if !atPrompt {
				return // a statement runs: it is cancelled, and the loop ends
			}
			_ = ln.Close()
			saveHistory()
			cfg.Abandon()
		}()
	}

	if cfg.Banner != "" {
		fmt.Fprintln(cfg.Stdout, cfg.Banner)
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		prompt := "> "
		if ev.Pending() {
			prompt = ">> "
		}
		if cfg.Prompt != nil {
			prompt = cfg.Prompt() + prompt
		}
		mu.Lock()
		atPrompt = true
		mu.Unlock()
		line, perr := ln.Prompt(prompt)
		mu.Lock()
		atPrompt = false
		mu.Unlock()
		switch {
		case errors.Is(perr, liner.ErrPromptAborted):
			ev.Reset()
			continue
		case errors.Is(perr, io.EOF):
			fmt.Fprintln(cfg.Stdout)
			return nil
		case perr != nil:
			return fmt.Errorf("repl: read line: %w", perr)
		}
		if !ev.Pending() {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if handled, exit := DotCommand(line, help, cfg.Commands, cfg.Stdout, cfg.Stderr, true); exit {
				return nil
			} else if handled {
				continue
			}
		}
		runCtx, cancel := context.WithCancel(ctx)
		mu.Lock()
		cancelRunning = cancel
		mu.Unlock()
		var status Status
		withMode(cooked, cookedErr, func() { status = ev.Line(runCtx, line) })
		mu.Lock()
		cancelRunning = nil
		mu.Unlock()
		cancel()
		if status != More {
			entry := historyEntry(ev.LastChunk())
			ln.AppendHistory(entry)
			history = append(history, cfg.storable([]string{entry})...)
		}
		if status == Exit {
			return nil
		}
	}
}

// withMode runs fn with the terminal in mode (when it could be read), then
// puts back the mode it found.
func withMode(mode liner.ModeApplier, modeErr error, fn func()) {
	if modeErr != nil || mode == nil {
		fn()
		return
	}
	prompt, err := liner.TerminalMode()
	if err != nil {
		fn()
		return
	}
	_ = mode.ApplyMode()
	defer func() { _ = prompt.ApplyMode() }()
	fn()
}

// storable returns the entries that may be written to the history file:
// none that looks like a credential or holds a secret of cfg.Secret.
func (cfg *Config) storable(entries []string) []string {
	var kept []string
	for _, e := range entries {
		if !Sensitive(e) && (cfg.Secret == nil || !cfg.Secret(e)) {
			kept = append(kept, e)
		}
	}
	return kept
}

// historyEntry makes one history entry of a chunk: a multi-line chunk is
// joined on one line unless a line comment would swallow what follows.
func historyEntry(chunk string) string {
	if !strings.Contains(chunk, "\n") || strings.Contains(chunk, "--") {
		return chunk
	}
	lines := strings.Split(chunk, "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, " ")
}
