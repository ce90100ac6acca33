package lua51

import (
	lua "github.com/yuin/gopher-lua"
)

// Options are the options of every VM's Lua state and coroutine.
//
// Depth: Lua calls may nest MaxCalls deep (gopher-lua's default is 256;
// C Lua 5.1 allows about 20,000). The call stack grows by segments as it is
// used (MinimizeStackMemory: gopher-lua's fixed stack would allocate every
// frame up front, in every coroutine), and the registry (the value stack)
// grows on demand from 1,024 slots (16 KiB) in steps of 4,096, up to a
// limit that the call stack always reaches first.
//
// A full call stack makes gopher-lua panic with "lua callstack overflow",
// without a location and with no room left to run a message handler; the
// Lua traceback it then records (IncludeGoStackTrace) is where PCall finds
// the line for Lua's "stack overflow". That traceback is quadratic in the
// depth (about half a second at MaxCalls): the price of an overflow, not of
// a call. The Go part of it is dropped.
var Options = lua.Options{
	SkipOpenLibs:        true,
	RegistrySize:        1024,
	RegistryMaxSize:     1 << 22,
	RegistryGrowStep:    4096,
	CallStackSize:       MaxCalls,
	MinimizeStackMemory: true,
	IncludeGoStackTrace: true,
}

// MaxCalls is how deep Lua calls may nest.
const MaxCalls = 12000

// StackDepth is the number of levels L.GetStack answers (0 when nothing
// runs), found in O(depth log depth): GetStack(level) walks level frames.
func StackDepth(L *lua.LState) int {
	if _, ok := L.GetStack(0); !ok {
		return 0
	}
	lo, hi := 0, 1 // GetStack(lo) answers
	for {
		if _, ok := L.GetStack(hi); !ok {
			break
		}
		lo, hi = hi, hi*2
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if _, ok := L.GetStack(mid); ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

// ErrBytecode is the message for binary chunks, which gopher-lua cannot run.
const ErrBytecode = "cannot load a binary chunk: only Lua source is accepted (precompiled bytecode is not supported)"
