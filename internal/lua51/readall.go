package lua51

import (
	"bytes"
	"io"

	lua "github.com/yuin/gopher-lua"
)

// readStep is how much readAll reads between two questions to the budget.
const readStep = 1 << 20

// maxLoad is the most source loadfile, dofile and require read from one
// file (or the standard input): without a memory budget, an endless file
// (/dev/zero) is refused there instead of read until the host runs out of
// memory; with one, the budget refuses far less (compiling costs
// CompileCost bytes a byte).
const maxLoad = 128 << 20

// readAll reads r to its end a MiB at a time, asking the host's budget
// (Config.CheckAlloc) before each step whether what may hold that much
// more, at cost bytes a byte: an endless input (/dev/zero as the standard
// input or as a file) raises the budget's error instead of taking the
// host's memory. limit, when above 0, bounds what may be read at all.
func readAll(L *lua.LState, r io.Reader, what string, cost float64, limit int) ([]byte, error) {
	var buf bytes.Buffer
	for {
		next := buf.Len() + readStep
		if limit > 0 && buf.Len() > limit {
			L.RaiseError("%s: more than %d MiB", what, limit>>20)
		}
		if float64(next)*cost >= largeConcat {
			checkAlloc(L, what, float64(next)*cost)
		}
		n, err := buf.ReadFrom(io.LimitReader(r, readStep))
		if err != nil {
			return buf.Bytes(), err
		}
		if n < readStep {
			return buf.Bytes(), nil
		}
	}
}
