// Command floor-lua is a start-up floor for scripts/bench.sh: net/http
// linked as in floor-nethttp, plus a bare gopher-lua state that runs the
// empty chunk. Its start-up time is what the required HTTP stack and Lua VM
// cost before flyscript's client, `fly` module, Lua 5.1 layer and host
// modules.
package main

import (
	"net/http"
	"os"

	lua "github.com/yuin/gopher-lua"
)

func main() {
	// Never true when measured; it keeps net/http linked.
	if len(os.Args) > 9 {
		_, _ = http.Get(os.Args[1])
	}
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(""); err != nil {
		os.Exit(1)
	}
}
