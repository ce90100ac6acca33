package flyscript

import (
	"errors"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lua51"
	flylua "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/stdlib"
)

// errExit is the cause of the context cancellation that os.exit performs.
var errExit = errors.New("os.exit")

// open loads the libraries (see lua51.Open) with the host modules and the
// `fly` module.
func (vm *VM) open() error {
	env := lua51.NewEnv(vm.cfg.getenv)
	vm.getenv = env.Getenv
	base, err := lua51.Open(vm.state, lua51.Config{
		Sandbox: vm.cfg.sandbox,
		Stdin:   vm.cfg.stdin,
		Stdout:  vm.cfg.stdout,
		Stderr:  vm.cfg.stderr,
		Env:     env,
		Modules: func(*lua.LState) error { return vm.openModules() },
		// The .. operator asks the memory budget before a large result.
		CheckAlloc: vm.checkAlloc,
	})
	if err == nil {
		// lua51.Open brings its own setmetatable after the modules (and
		// bindings.Open's lazy.Wrap): wrap what it replaced, so that raw
		// walks still see records whole.
		lazy.Wrap(vm.state)
	}
	vm.basePath = base
	return err
}

// openModules loads the host modules, the embedded Lua modules (require
// finds them preloaded, also in the sandbox) and the `fly` module.
func (vm *VM) openModules() error {
	L := vm.state
	err := stdlib.Open(L, stdlib.Config{
		Stdout:   vm.cfg.stdout,
		Stderr:   vm.cfg.stderr,
		LogLevel: vm.cfg.logLevel,
		Getenv:   vm.getenv,
		Now:      vm.cfg.now,
		Sleep:    vm.sleepFunc(),
		Exit:     vm.onExit,
		Room:     vm.room,
		FuncName: func(fn *lua.LFunction) (string, bool) { return bindings.FuncName(L, fn) },
	})
	if err != nil {
		return err
	}
	flylua.Preload(L)
	vm.fly, err = bindings.Open(L, bindings.Config{
		Client:   vm.cfg.client,
		App:      vm.cfg.app,
		Stderr:   vm.cfg.stderr,
		Progress: vm.cfg.progress,
		Clock:    vm.cfg.clock,
	})
	return err
}

// App returns the default app of the `fly` module: WithApp's, or the one a
// script chose with fly.use. "" when none is set. During a call it is the
// app as the call began.
func (vm *VM) App() string {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.busy {
		return vm.last.app
	}
	return vm.liveApp()
}

// liveApp is the `fly` module's default app now.
func (vm *VM) liveApp() string {
	if vm.fly == nil {
		return ""
	}
	return vm.fly.App()
}

// onExit is called by os.exit. It records the code and cancels the call's
// context, so that nothing can catch the exit and keep the script running
// (a coroutine.resume, say): the next Lua instruction raises again.
func (vm *VM) onExit(code int) {
	vm.exit = &ExitError{Code: code}
	if vm.cancel != nil {
		vm.cancel(errExit)
	}
}

// isNull reports whether ud is json.null.
func isNull(ud *lua.LUserData) bool { return stdlib.IsNull(ud) }
