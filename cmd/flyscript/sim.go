package main

import (
	"context"
	"io"
)

// simCommand serves the Machines API simulator: `flyscript sim [flags]`.
func simCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	_, _ = io.WriteString(stderr, "flyscript sim: not built yet\n")
	return 2
}
