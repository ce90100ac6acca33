package lua51

import (
	lua "github.com/yuin/gopher-lua"
)

// Options are the options of every VM's Lua state. The registry (the
// value stack) starts at 1,024 slots and grows on demand up to gopher-lua's
// usual fixed size of 5,120, so that a VM, and each of its coroutines (every
// fly.parallel task is one), allocates 16 KiB for it up front rather than
// 80 KiB; the limit scripts meet is the same. (gopher-lua's
// MinimizeStackMemory would do the same for the call-frame stack, but its
// overflow then reads "lua callstack overflow" without the script's line.)
var Options = lua.Options{
	SkipOpenLibs:     true,
	RegistrySize:     1024,
	RegistryMaxSize:  lua.RegistrySize,
	RegistryGrowStep: 256,
	CallStackSize:    lua.CallStackSize,
}

// ErrBytecode is the message for binary chunks, which gopher-lua cannot run.
const ErrBytecode = "cannot load a binary chunk: only Lua source is accepted (precompiled bytecode is not supported)"
