package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/flyscript/flyscript/internal/editdist"
)

// subcommands are the words flyscript takes as its first argument, help
// topics included.
var subcommands = []string{"sim", "defs", "plan", "test", "version", "help"}

// checkScript reports a script argument that names no readable file before
// anything else is looked at (the token above all), so that a typo reads as
// a typo: a missing file as "cannot open" (exit status 1, as lua says it), a
// bare word that is no file as an unknown command (exit status 2), with the
// subcommand it is close to. ok is true when the script can be opened.
func checkScript(name string) (msg string, status int, ok bool) {
	if name == "" || name == "-" {
		return "", 0, true
	}
	info, err := os.Stat(name)
	switch {
	case err == nil && info.IsDir():
		return fmt.Sprintf("cannot open %s: is a directory", name), exitFailure, false
	case err == nil:
		return "", 0, true
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("cannot open %s: %v", name, errors.Unwrap(err)), exitFailure, false
	case !strings.ContainsAny(name, `./\`):
		return unknownCommand(name), exitUsage, false
	}
	return fmt.Sprintf("cannot open %s: no such file or directory", name), exitFailure, false
}

// unknownCommand words a first argument that is neither a subcommand nor a
// file.
func unknownCommand(name string) string {
	msg := fmt.Sprintf("unknown command %q (and no script file of that name)", name)
	if s := nearestCommand(name); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", "flyscript "+s)
	}
	return msg
}

// nearestCommand is the subcommand within two edits of name, or "".
func nearestCommand(name string) string {
	return editdist.Nearest(strings.ToLower(name), subcommands, 2)
}
