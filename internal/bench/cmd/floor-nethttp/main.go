// Command floor-nethttp is a start-up floor for scripts/bench.sh: a program
// that links net/http (as flyscript's client must) and does nothing else.
// Its start-up time against the empty Go program is what the HTTP stack
// costs before any of flyscript's own packages.
package main

import (
	"net/http"
	"os"
)

func main() {
	// Never true when measured; it keeps net/http linked.
	if len(os.Args) > 9 {
		_, _ = http.Get(os.Args[1])
	}
}
