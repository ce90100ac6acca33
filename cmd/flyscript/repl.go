package main

import (
	"context"
	"fmt"
	"io"

	"github.com/flyscript/flyscript"
)

// repl runs the interactive shell on vm: after the script with -i, or
// instead of one on a terminal. It returns the command's exit status.
func repl(ctx context.Context, vm *flyscript.VM, s settings, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	fmt.Fprintln(stderr, "flyscript: the REPL is not available yet; run a script instead (flyscript --help)")
	return exitUsage
}
