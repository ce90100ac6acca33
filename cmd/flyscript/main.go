// Command flyscript runs Lua automation scripts against the Fly Machines API,
// offers an interactive REPL, and serves a local simulator of the API.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}

// run is the whole CLI; tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	if len(args) > 0 && args[0] == "sim" {
		return simCommand(ctx, args[1:], stdout, stderr)
	}
	_, _ = io.WriteString(stderr, "flyscript: the script runner is not built yet\n")
	return 2
}
