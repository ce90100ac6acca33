// Command genref writes the Lua API reference (docs/lua-api.md) from the
// registry. It is run by `go generate ./internal/luadefs`:
//
//	go run ./genref -o ../../docs/lua-api.md
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/flyscript/flyscript/internal/luadefs"
)

func main() {
	out := flag.String("o", "", "write the reference to this `file` (default: stdout)")
	flag.Parse()
	data := luadefs.GenerateReference()
	if *out == "" {
		_, _ = os.Stdout.Write(data)
		return
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "genref:", err)
		os.Exit(1)
	}
}
