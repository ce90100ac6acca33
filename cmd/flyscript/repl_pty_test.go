package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/flyscript/flyscript/sim"
)

// The REPL end to end: the real binary on a pseudo-terminal, typed at.

// terminal is a flyscript process on a pty, with everything it printed.
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func buildFlyscript(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "flyscript")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	require.NoError(t, build.Run(), "building flyscript")
	return bin
}

func startTerminal(t *testing.T, bin string, env []string, args ...string) *terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	require.NoError(t, err)
	require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}))
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	require.NoError(t, cmd.Start())
	term := &terminal{t: t, cmd: cmd, ptmx: ptmx, tty: tty, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_, _ = cmd.Process.Wait()
		ptmx.Close()
		tty.Close()
	})
	return term
}

// output is everything printed so far, with the terminal's CRs removed.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return strings.ReplaceAll(term.out.String(), "\r", "")
}

// expect waits until the output after the mark contains want.
func (term *terminal) expect(mark int, want string, within time.Duration) int {
	term.t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		out := term.output()
		if i := strings.Index(out[min(mark, len(out)):], want); i >= 0 {
			return mark + i + len(want)
		}
		time.Sleep(10 * time.Millisecond)
	}
	require.FailNowf(term.t, "terminal output", "waited %v for %q after offset %d; output:\n%s", within, want, mark, term.output())
	return 0
}

func (term *terminal) mark() int { return len(term.output()) }

func (term *terminal) typeText(s string) {
	term.t.Helper()
	_, err := term.ptmx.Write([]byte(s))
	require.NoError(term.t, err)
}

// wait waits for the process to end and returns its exit status.
func (term *terminal) wait(within time.Duration) int {
	term.t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- term.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(within):
		require.FailNowf(term.t, "exit", "flyscript still running after %v; output:\n%s", within, term.output())
	}
	return term.cmd.ProcessState.ExitCode()
}

// cooked reports whether the terminal is back in line mode with echo, as
// the shell needs it.
func (term *terminal) cooked() bool {
	tio, err := unix.IoctlGetTermios(int(term.tty.Fd()), unix.TCGETS)
	require.NoError(term.t, err)
	return tio.Lflag&unix.ICANON != 0 && tio.Lflag&unix.ECHO != 0
}

func TestREPLOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFlyscript(t)
	// A simulator whose every answer takes 3 s, so that Ctrl-C lands while
	// a call is in flight.
	slow, err := sim.Start(sim.WithLatency(3*time.Second, 0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = slow.Close() })

	state := t.TempDir()
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + state, "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, bin, env, "--api-url", slow.URL, "--token", "sim-token")

	m := term.expect(0, "Type .help", 10*time.Second)
	term.expect(m, "> ", 5*time.Second)

	// Auto-print and _.
	m = term.mark()
	term.typeText("40 + 2\r")
	m = term.expect(m, "42\n", 5*time.Second)
	term.typeText("_ * 2\r")
	m = term.expect(m, "84\n", 5*time.Second)

	// Completion of a global's field, then of the next level.
	term.typeText("json.enc\t")
	m = term.expect(m, "json.encode", 5*time.Second)
	term.typeText("({b = 1, a = {true}})\r")
	// A string result prints quoted, as inspect shows it.
	m = term.expect(m, `"{\"a\":[true],\"b\":1}"`, 5*time.Second)

	// Completion on an app handle, and help from the registry.
	term.typeText(`h = fly.app("web").machines.li` + "\t")
	m = term.expect(m, `fly.app("web").machines.list`, 5*time.Second)
	term.typeText("\r")
	term.typeText("help(fly.machines.create)\r")
	m = term.expect(m, "POST /v1/apps/{app_name}/machines", 5*time.Second)

	// A multi-line loop continues on the >> prompt and runs once complete.
	term.typeText("for i = 1, 3 do\r")
	m = term.expect(m, ">> ", 5*time.Second)
	term.typeText("print(i * 10)\r")
	m = term.expect(m, ">> ", 5*time.Second)
	term.typeText("end\r")
	m = term.expect(m, "10\n20\n30\n", 5*time.Second)

	// Ctrl-C at the prompt clears the line.
	term.typeText("this is not lua")
	term.expect(m, "this is not lua", 5*time.Second)
	term.typeText("\x03")
	term.typeText("1 + 1\r")
	m = term.expect(m, "2\n", 5*time.Second)
	assert.NotContains(t, term.output()[m:], "syntax error")

	// Ctrl-C while a slow call runs cancels it and returns to the prompt.
	term.typeText("fly.platform.regions()\r")
	time.Sleep(300 * time.Millisecond) // the request is in flight
	start := time.Now()
	term.typeText("\x03")
	m = term.expect(m, "interrupted", 2*time.Second)
	assert.Less(t, time.Since(start), 2*time.Second, "the call in flight was aborted, not waited for")
	term.typeText("print('still here')\r")
	m = term.expect(m, "still here\n", 5*time.Second)

	// Errors print through __tostring, with the hint.
	term.typeText("fly.machines.list()\r")
	m = term.expect(m, "stdin:1: fly.machines.list: no app selected", 5*time.Second)
	term.expect(m, "hint: pass --app", 5*time.Second)
	assert.NotContains(t, term.output(), "table: 0x")

	// A line holding a token is run but not stored.
	term.typeText(`secret = "FlyV1 fm2_notstoredanywhere"` + "\r")
	term.typeText("x = 7\r")
	// The prompt comes back before Ctrl-D: typed while a line runs, it
	// reaches the terminal in its own mode, where it is no character.
	m = term.expect(m, "x = 7", 5*time.Second)
	term.expect(m, "> ", 5*time.Second)

	// Ctrl-D leaves, writes the history and restores the terminal.
	term.typeText("\x04")
	assert.Equal(t, 0, term.wait(5*time.Second))
	assert.True(t, term.cooked(), "terminal left in raw mode")

	hist, err := os.ReadFile(filepath.Join(state, "flyscript", "history"))
	require.NoError(t, err)
	h := string(hist)
	assert.Contains(t, h, "40 + 2\n")
	assert.Contains(t, h, "for i = 1, 3 do print(i * 10) end\n", "a multi-line chunk is one entry")
	assert.Contains(t, h, "x = 7\n")
	assert.NotContains(t, h, "fm2_notstoredanywhere")
}

// A line holding part of the session's token (16 characters or more of
// it, which no pattern recognises) is not stored either, nor is an older
// entry that holds it.
func TestREPLHistoryKeepsNoPartOfTheToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFlyscript(t)
	const token = "Xq7Lp2Wm9Rt4Kd8Hs3Jf6Gb1Nv5Zc0Ya"
	state := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(state, "flyscript"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "flyscript", "history"),
		[]byte("old = 'Lp2Wm9Rt4Kd8Hs3Jf6Gb'\nkept = 1\n"), 0o600))
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + state,
		"PATH=" + os.Getenv("PATH"), "FLY_API_TOKEN=" + token}
	term := startTerminal(t, bin, env, "--sim")
	m := term.expect(0, "> ", 10*time.Second)
	term.typeText(`part = "Wm9Rt4Kd8Hs3Jf6Gb1Nv5"` + "\r")
	term.typeText("print(#part)\r")
	m = term.expect(m, "21\n", 5*time.Second)
	// Ctrl-D at the prompt: typed while a line runs, the terminal (in its
	// own mode then) takes it as an end of file nobody reads.
	term.expect(m, "> ", 5*time.Second)
	term.typeText("\x04")
	assert.Equal(t, 0, term.wait(5*time.Second))

	hist, err := os.ReadFile(filepath.Join(state, "flyscript", "history"))
	require.NoError(t, err)
	h := string(hist)
	assert.Contains(t, h, "print(#part)\n")
	assert.Contains(t, h, "kept = 1\n")
	assert.NotContains(t, h, "Wm9Rt4Kd8Hs3Jf6Gb1Nv5")
	assert.NotContains(t, h, "Lp2Wm9Rt4Kd8Hs3Jf6Gb")
}

func TestREPLHistoryIsReadBack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFlyscript(t)
	state := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(state, "flyscript"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(state, "flyscript", "history"), []byte("answer = 41 + 1\n"), 0o600))
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + state, "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, bin, env, "--sim")
	m := term.expect(0, "simulator", 10*time.Second)
	m = term.expect(m, "> ", 5*time.Second)
	// Up-arrow recalls the stored entry.
	term.typeText("\x1b[A\r")
	term.typeText("answer\r")
	term.expect(m, "42\n", 5*time.Second)
	term.typeText(".exit\r")
	assert.Equal(t, 0, term.wait(5*time.Second))
	assert.True(t, term.cooked())
}

// Errors at the prompt of the real REPL read as C Lua 5.1's, located in
// the chunk typed, with the blamed line of a chunk of several lines shown
// below (issue 13).
func TestREPLErrorMessagesOnATerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFlyscript(t)
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, bin, env, "--sim")
	m := term.expect(0, "simulator", 10*time.Second)
	m = term.expect(m, "> ", 5*time.Second)
	term.typeText("x = = 1\r")
	m = term.expect(m, "stdin:1: unexpected symbol near '='", 5*time.Second)
	term.typeText("undefinedfn()\r")
	m = term.expect(m, "stdin:1: attempt to call global 'undefinedfn' (a nil value)", 5*time.Second)
	term.typeText("for i = 1, 2 do\r  local x\r  print(x + 1)\rend\r")
	m = term.expect(m, "stdin:3: attempt to perform arithmetic on local 'x' (a nil value)", 5*time.Second)
	m = term.expect(m, "  3 |   print(x + 1)", 5*time.Second)
	term.typeText("fly.machine.list()\r")
	term.expect(m, "(hint: did you mean 'machines'?)", 5*time.Second)
	term.typeText(".exit\r")
	assert.Equal(t, 0, term.wait(5*time.Second))
}

// TestREPLStopSignalAtThePrompt: SIGTERM (or SIGHUP) while the prompt
// waits ends the session at once with its status, the terminal restored
// and the history saved; before, the session ended only when a line was
// typed.
func TestREPLStopSignalAtThePrompt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildFlyscript(t)
	state := t.TempDir()
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + state, "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, bin, env, "--sim")
	m := term.expect(0, "Type .help", 10*time.Second)
	m = term.expect(m, "> ", 5*time.Second)
	term.typeText("40 + 2\r")
	m = term.expect(m, "42\n", 5*time.Second)
	term.expect(m, "> ", 5*time.Second)
	term.typeText("half a li")
	m = term.expect(m, "half a li", 5*time.Second)
	require.NoError(t, term.cmd.Process.Signal(unix.SIGTERM))
	term.expect(m, "flyscript: terminated (SIGTERM)", 3*time.Second)
	assert.Equal(t, 143, term.wait(3*time.Second), term.output())
	assert.True(t, term.cooked(), "the terminal is back in line mode")
	history, err := os.ReadFile(filepath.Join(state, "flyscript", "history"))
	require.NoError(t, err)
	assert.Contains(t, string(history), "40 + 2")
}

// io.read() at the REPL reads the line typed, with echo (the statement runs
// in the terminal's own mode, not liner's, where Enter is a carriage
// return and io.read waited for ever); Ctrl-C while it waits returns to the
// prompt, and the next line typed goes to the prompt, not to a read left
// behind.
func TestREPLReadsALineAndCtrlCStopsTheRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "XDG_STATE_HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, flyscriptBinary(t), env, "--sim")
	m := term.expect(0, "Type .help", 10*time.Second)
	m = term.expect(m, "> ", 5*time.Second)
	// "ready" comes once the statement runs, in the terminal's mode.
	term.typeText(`print("ready") print("got", io.read())` + "\r")
	m = term.expect(m, "ready\n", 5*time.Second)
	term.typeText("hello\r")
	m = term.expect(m, "hello\n", 5*time.Second) // echoed
	m = term.expect(m, "got\thello\n", 5*time.Second)
	m = term.expect(m, "> ", 5*time.Second)

	term.typeText(`print("ready") print(io.read())` + "\r")
	m = term.expect(m, "ready\n", 5*time.Second)
	term.typeText("\x03")
	// The terminal echoes ^C (the statement runs in its own mode); the
	// REPL blanks it before it says "interrupted".
	m = term.expect(m, "^C\b\b  \b\binterrupted", 5*time.Second)
	m = term.expect(m, "> ", 5*time.Second)
	term.typeText("print(6 * 7)\r")
	m = term.expect(m, "42\n", 5*time.Second)
	term.expect(m, "> ", 5*time.Second) // Ctrl-D at the prompt, not while the line runs
	term.typeText("\x04")
	assert.Equal(t, 0, term.wait(5*time.Second), term.output())
}

// A script waiting in io.read for a line from the terminal stops at the
// first Ctrl-C, with 130, as C Lua's does (the read went on, and only a
// second Ctrl-C killed the process, without releasing anything).
func TestCtrlCStopsAScriptInIoRead(t *testing.T) {
	env := []string{"TERM=xterm", "HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	term := startTerminal(t, flyscriptBinary(t), env, "--sim", "-e", `print("name?") print("got", io.read())`)
	m := term.expect(0, "name?\n", 10*time.Second)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	term.typeText("\x03")
	term.expect(m, "flyscript: interrupted", 5*time.Second)
	assert.Equal(t, exitInterrupted, term.wait(5*time.Second), term.output())
	assert.Less(t, time.Since(start), 3*time.Second)
	assert.True(t, term.cooked(), "the terminal is back in line mode")
}
