package flyscript

import (
	lua "github.com/yuin/gopher-lua"
)

// openModules loads the host modules and the `fly` module.
func (vm *VM) openModules() error {
	L := vm.L
	L.SetGlobal("print", L.NewFunction(vm.print))
	return nil
}

// print writes its arguments, tab-separated, to the VM's stdout.
func (vm *VM) print(L *lua.LState) int {
	top := L.GetTop()
	buf := make([]byte, 0, 64)
	for i := 1; i <= top; i++ {
		if i > 1 {
			buf = append(buf, '\t')
		}
		buf = append(buf, L.ToStringMeta(L.Get(i)).String()...)
	}
	buf = append(buf, '\n')
	_, _ = vm.cfg.stdout.Write(buf)
	return 0
}

// isNull reports whether ud is json.null.
func isNull(ud *lua.LUserData) bool { return false }
