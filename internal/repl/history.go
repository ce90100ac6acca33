package repl

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/flyscript/flyscript/internal/lazyre"
)

// MaxHistory is how many entries the history file keeps.
const MaxHistory = 1000

// HistoryPath is where the history lives: $XDG_STATE_HOME/flyscript/history,
// else ~/.local/state/flyscript/history. getenv reads the environment; an
// empty result means no place was found and history stays in memory.
func HistoryPath(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "flyscript", "history")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "flyscript", "history")
	}
	return ""
}

// secretLike matches lines that look like they hold a credential: a Fly
// token (FlyV1, fm1_, fm1r_, fm1a_, fm2_, fo1_, of any length), a JWT (such
// as fly.tokens.oidc returns: base64url JSON, "eyJ...", dot, payload), an
// Authorization header, an assignment to something named like a token or
// password, or a long unbroken run of token characters.
var secretLike = lazyre.New(`(?i)(FlyV1\s|fm[12][a-z]?_|fo1_|bearer\s+\S|(token|secret|password|passwd|api_key|apikey)\s*[=:,]|[A-Za-z0-9+/_=-]{40,})|eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+`)

// Sensitive reports whether a history entry must not be stored because it
// looks like it holds a secret.
func Sensitive(entry string) bool { return secretLike().MatchString(entry) }

// maxHistoryRead is how much of the end of a history file is read: the
// file never grows past MaxHistory entries, but one written by something
// else (or damaged) may be of any size.
const maxHistoryRead = 4 << 20

// ReadHistoryFile returns the entries stored at path, at most the last
// MaxHistory of them (from its last 4 MiB); a missing file is an empty
// history. A multi-line chunk is stored as one line with its newlines
// escaped, and comes back as one entry.
func ReadHistoryFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	skipFirst := false
	if info, err := f.Stat(); err == nil && info.Size() > maxHistoryRead {
		if _, err := f.Seek(info.Size()-maxHistoryRead, io.SeekStart); err != nil {
			return nil, err
		}
		skipFirst = true // it starts in the middle of a line
	}
	data, err := io.ReadAll(io.LimitReader(f, maxHistoryRead))
	if err != nil {
		return nil, err
	}
	if skipFirst {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			out = append(out, unescapeEntry(line))
		}
	}
	if len(out) > MaxHistory {
		out = out[len(out)-MaxHistory:]
	}
	return out, sc.Err()
}

// WriteHistoryFile stores the last MaxHistory entries at path atomically
// (a temporary file renamed over the old one, or over what path links
// to), leaving out sensitive ones.
// The file is readable by its owner only.
func WriteHistoryFile(path string, entries []string) error {
	var kept []string
	for _, e := range entries {
		if strings.TrimSpace(e) != "" && !Sensitive(e) {
			kept = append(kept, escapeEntry(e))
		}
	}
	if len(kept) > MaxHistory {
		kept = kept[len(kept)-MaxHistory:]
	}
	// A history file that is a link (kept with dotfiles) is written where
	// it points: the link stays.
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(strings.Join(kept, "\n") + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func escapeEntry(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(s)
}

func unescapeEntry(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			if s[i] == 'n' {
				b.WriteByte('\n')
			} else {
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
