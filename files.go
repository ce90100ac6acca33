package flyscript

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
)

// Files a script opens and leaves open are closed with the VM: gopher-lua
// closes only io.tmpfile's, so a file of io.open, io.lines(name),
// io.input(name) or io.output(name) kept its descriptor until the garbage
// collector found it, and a host running many such scripts could run out
// of descriptors first. Processes of io.popen are left alone: closing one
// waits for the process to end.

// maxTrackedFiles is how many files the VM tracks before it forgets the
// ones already closed.
const maxTrackedFiles = 64

// trackFiles wraps the io functions that open files so that the VM
// records what they open.
func (vm *VM) trackFiles() {
	L := vm.state
	iot, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	if vm.ioType, ok = iot.RawGetString("type").(*lua.LFunction); !ok {
		return
	}
	for _, name := range []string{"open", "lines", "input", "output"} {
		fn, ok := iot.RawGetString(name).(*lua.LFunction)
		if !ok {
			continue
		}
		iot.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			n := callInFrame(L, fn)
			for i := L.GetTop() - n + 1; i <= L.GetTop(); i++ {
				vm.recordFile(L, L.Get(i))
			}
			return n
		}))
	}
}

// recordFile records v when it is a file of the io library, or (io.lines)
// a Go function holding one.
func (vm *VM) recordFile(L *lua.LState, v lua.LValue) {
	switch v := v.(type) {
	case *lua.LUserData:
		if vm.isFile(L, v) {
			if len(vm.files) >= maxTrackedFiles {
				vm.forgetClosedFiles(L)
			}
			vm.files = append(vm.files, v)
		}
	case *lua.LFunction:
		if v.IsG {
			for _, uv := range v.Upvalues {
				if ud, ok := uv.Value().(*lua.LUserData); ok {
					vm.recordFile(L, ud)
				}
			}
		}
	}
}

// isFile reports whether ud is a file of gopher-lua's io library.
func (vm *VM) isFile(L *lua.LState, ud *lua.LUserData) bool {
	mt := L.GetTypeMetatable("FILE*")
	return mt != lua.LNil && ud.Metatable == mt
}

// isOpen reports whether io.type(ud) is "file", called on L (the thread
// running, during a call).
func (vm *VM) isOpen(L *lua.LState, ud *lua.LUserData) bool {
	top := L.GetTop()
	defer L.SetTop(top)
	L.Push(vm.ioType)
	L.Push(ud)
	if err := lua51.PCall(L, 1, 1, nil); err != nil {
		return false
	}
	return L.Get(-1) == lua.LString("file")
}

// forgetClosedFiles drops the files already closed from the record.
func (vm *VM) forgetClosedFiles(L *lua.LState) {
	open := vm.files[:0]
	for _, ud := range vm.files {
		if vm.isOpen(L, ud) {
			open = append(open, ud)
		}
	}
	clear(vm.files[len(open):])
	vm.files = open
}

// closeFiles closes the files the scripts left open; the state must not
// be running.
func (vm *VM) closeFiles() {
	L := vm.state
	for _, ud := range vm.files {
		if !vm.isOpen(L, ud) {
			continue
		}
		if close, ok := L.GetField(ud, "close").(*lua.LFunction); ok {
			top := L.GetTop()
			L.Push(close)
			L.Push(ud)
			_ = lua51.PCall(L, 1, 0, nil) // a flush error has no one to go to
			L.SetTop(top)
		}
	}
	vm.files = nil
}
