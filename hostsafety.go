package flyscript

import (
	"runtime/metrics"

	lua "github.com/yuin/gopher-lua"
)

// harden removes what no VM should offer, after every library is open:
// gopher-lua's _printregs debug global (it writes the VM's registers, and
// the strings in them, to the process's stdout, around WithStdout and any
// redaction), and in the sandbox every collectgarbage option but "count"
// (each call of the others forces a full collection of the host's heap).
func (vm *VM) harden() {
	L := vm.state
	L.SetGlobal("_printregs", lua.LNil)
	if vm.cfg.sandbox {
		L.SetGlobal("collectgarbage", L.NewFunction(sandboxCollectGarbage))
	}
}

// sandboxCollectGarbage is the sandbox's collectgarbage: "count" gives the
// Go heap in use in kilobytes, as Lua 5.1 gives its own; the options that
// drive the collector raise an error.
func sandboxCollectGarbage(L *lua.LState) int {
	opt := L.OptString(1, "collect")
	if opt != "count" {
		L.RaiseError(`collectgarbage(%q) is not available in the sandbox (only "count" is)`, opt)
	}
	L.Push(lua.LNumber(float64(heapBytes()) / 1024))
	return 1
}

// heapMetric is the runtime/metrics name of the bytes held by live and
// not yet swept heap objects.
const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes reads the Go heap in use without stopping the world (as
// runtime.ReadMemStats would).
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
