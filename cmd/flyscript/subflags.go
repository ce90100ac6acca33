package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/flyscript/flyscript/internal/editdist"
)

// newSubcommandFlags is the flag set of `flyscript NAME` (sim, test,
// defs). It prints nothing by itself: parseSubcommandFlags says what is
// needed, where it belongs.
func newSubcommandFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("flyscript "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseSubcommandFlags parses args into fs. Help that was asked for (-h,
// --help, `flyscript help NAME`) goes to stdout, text and then the flags,
// with status 0, so that it can be paged and searched like `flyscript
// help`; a mistake goes to stderr in one line naming the flag (and the
// nearest one) and where to read the flags, with status 2. ok is true when
// the command should go on.
func parseSubcommandFlags(fs *flag.FlagSet, args []string, text string, stdout, stderr io.Writer) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		_, _ = io.WriteString(stdout, text)
		writeFlagDefaults(stdout, fs)
		return exitOK, false
	}
	_, _ = fmt.Fprintf(stderr, "%s: %s\nrun '%s' for the flags\n", fs.Name(), flagErrorText(fs, err),
		strings.Replace(fs.Name(), "flyscript ", "flyscript help ", 1))
	return exitUsage, false
}

// writeFlagDefaults writes fs's flags as flag.PrintDefaults does, but with
// the two dashes the README and the errors write (--listen; -v stays -v).
func writeFlagDefaults(w io.Writer, fs *flag.FlagSet) {
	var buf bytes.Buffer
	out := fs.Output()
	fs.SetOutput(&buf)
	fs.PrintDefaults()
	fs.SetOutput(out)
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "  -"); ok {
			if end := strings.IndexAny(rest, " \t\n"); end > 1 || (end < 0 && len(rest) > 1) {
				line = "  --" + rest
			}
		}
		_, _ = io.WriteString(w, line)
	}
}

// flagErrorText words an error of the flag package as the rest of the
// command speaks: each long flag with two dashes, an unknown one with the
// nearest flag fs has.
func flagErrorText(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		dashes := "--"
		if len(name) == 1 {
			dashes = "-"
		}
		msg = "unknown flag " + dashes + name
		if near := editdist.Nearest(name, names, 2); near != "" && len(name) > 1 {
			msg += fmt.Sprintf(" (did you mean --%s?)", near)
		}
		return msg
	}
	for _, name := range names {
		if len(name) > 1 {
			msg = strings.ReplaceAll(msg, " -"+name+":", " --"+name+":")
			msg = strings.ReplaceAll(msg, " -"+name+" ", " --"+name+" ")
			if strings.HasSuffix(msg, " -"+name) {
				msg = strings.TrimSuffix(msg, " -"+name) + " --" + name
			}
		}
	}
	return msg
}
