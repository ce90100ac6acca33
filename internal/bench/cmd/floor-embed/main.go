// Command floor-embed is a start-up floor for scripts/bench.sh: the least
// program that embeds flyscript (a client from the environment, a VM, the
// empty chunk), without the command's flags, subcommands, simulator, plan,
// test runner or REPL. Its start-up time against `flyscript -e ""` tells
// what linking the command's other parts costs, and against floor-lua what
// flyscript's own packages cost.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "floor-embed:", err)
		os.Exit(1)
	}
}

func run() error {
	c, err := client.FromEnv()
	if err != nil {
		return err
	}
	vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithStdout(os.Stdout))
	if err != nil {
		return err
	}
	defer vm.Close()
	return vm.RunSource(context.Background(), "=(command line)", nil)
}
