package lua51

import (
	"fmt"
	"io"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// Config is what Open needs from the host.
type Config struct {
	// Sandbox leaves out io, debug, channel, loadfile, dofile, the os
	// functions that touch the host, string.dump and file loading by require.
	Sandbox bool
	// Stdin, Stdout and Stderr are the io library's standard streams.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv is what os.getenv looks variables up with.
	Getenv func(string) (string, bool)
	// Env, when set, is the environment of os.getenv and os.setenv (and
	// Getenv is not used): the host shares it with its own modules so that
	// they see what os.setenv set.
	Env *Env
	// Modules opens the host's modules; it runs after Lua's own libraries
	// and before os.getenv, load, the sandbox and the io streams are set up.
	Modules func(L *lua.LState) error
	// CheckAlloc, when set, is asked before the concatenation operator
	// builds a string of 1 MiB or more, and before loadstring and load
	// compile a chunk (about 115 bytes of syntax tree and code per byte of
	// source); it raises a Lua error when that must not be built (the
	// host's memory budget).
	CheckAlloc func(L *lua.LState, what string, size float64)
}

// opener is one run of Open.
type opener struct {
	L   *lua.LState
	cfg Config
}

// Open loads the libraries into L: Lua's own, then the host modules
// (cfg.Modules), then the host's version of os.getenv, and finally the
// sandbox's restrictions, last so that nothing opened earlier undoes them.
// It returns gopher-lua's default package.path, for hosts that extend it.
func Open(L *lua.LState, cfg Config) (basePath string, err error) {
	o := &opener{L: L, cfg: cfg}
	libs := []struct {
		name string
		fn   lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
		{lua.OsLibName, lua.OpenOs},
	}
	if !cfg.Sandbox {
		libs = append(libs,
			struct {
				name string
				fn   lua.LGFunction
			}{lua.IoLibName, lua.OpenIo},
			struct {
				name string
				fn   lua.LGFunction
			}{lua.DebugLibName, lua.OpenDebug},
			struct {
				name string
				fn   lua.LGFunction
			}{lua.ChannelLibName, lua.OpenChannel},
		)
	}
	for _, lib := range libs {
		L.Push(L.NewFunction(lib.fn))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	luapattern.Install(L, luapattern.Conversions{NumberString: FormatNumber, StringNumber: ParseNumber}) // Lua 5.1's string.find/match/gmatch/gsub, which stop when the context ends
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if p, ok := L.GetField(pkg, "path").(lua.LString); ok {
			basePath = string(p)
		}
	}
	if cfg.Modules != nil {
		if err := cfg.Modules(L); err != nil {
			return "", err
		}
	}
	o.openLibs()
	o.openBase()
	if cfg.CheckAlloc != nil {
		ud := L.NewUserData()
		ud.Value = cfg.CheckAlloc
		L.SetField(L.Get(lua.RegistryIndex), concatCheck, ud)
	}
	if cfg.Sandbox {
		o.restrict()
	} else {
		o.redirectIO()
		o.openFileErrors()
	}
	return basePath, nil
}

// sandboxMessage is the error of everything WithSandbox leaves out.
func sandboxMessage(what string) string {
	return fmt.Sprintf("%s is not available in the sandbox", what)
}

// denied returns a function that raises the sandbox's error for what.
func (o *opener) denied(what string) *lua.LFunction {
	return o.L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s", sandboxMessage(what))
		return 0
	})
}

// deniedTable is a stand-in for a library the sandbox leaves out: any use
// of one of its fields raises a clear error.
func (o *opener) deniedTable(lib string) *lua.LTable {
	L := o.L
	t := L.NewTable()
	mt := L.NewTable()
	L.SetField(mt, "__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s", sandboxMessage(lib+"."+L.OptString(2, "?")))
		return 0
	}))
	L.SetField(mt, "__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s", sandboxMessage(lib))
		return 0
	}))
	L.SetField(mt, "__metatable", lua.LString("sandbox"))
	L.SetMetatable(t, mt)
	return t
}

// restrict applies WithSandbox.
func (o *opener) restrict() {
	L := o.L
	L.SetGlobal("io", o.deniedTable("io"))
	L.SetGlobal("debug", o.deniedTable("debug"))
	L.SetGlobal("loadfile", o.denied("loadfile"))
	L.SetGlobal("dofile", o.denied("dofile"))
	os := L.GetGlobal("os").(*lua.LTable)
	for _, name := range []string{"execute", "remove", "rename", "tmpname", "setenv"} {
		L.SetField(os, name, o.denied("os."+name))
	}
	if str, ok := L.GetGlobal("string").(*lua.LTable); ok {
		L.SetField(str, "dump", o.denied("string.dump"))
	}
	pkg := L.GetGlobal("package").(*lua.LTable)
	loaded := L.GetField(pkg, "loaded").(*lua.LTable)
	L.SetField(loaded, "io", lua.LNil)
	L.SetField(loaded, "debug", lua.LNil)
	L.SetField(pkg, "path", lua.LString(""))
	L.SetField(pkg, "cpath", lua.LString(""))
	L.SetField(pkg, "loadlib", o.denied("package.loadlib"))
	// require finds preloaded modules only.
	loaders := L.GetField(pkg, "loaders").(*lua.LTable)
	preload := loaders.RawGetInt(1)
	newLoaders := L.NewTable()
	newLoaders.RawSetInt(1, preload)
	newLoaders.RawSetInt(2, L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("loading modules from files is not available in the sandbox"))
		return 1
	}))
	L.SetField(pkg, "loaders", newLoaders)
	L.SetField(L.Get(lua.RegistryIndex), "_LOADERS", newLoaders)
}
