package lua51

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"
)

// openBase replaces the base functions that compile or protect: load,
// loadstring, loadfile, dofile, pcall, xpcall, and require's loader of Lua
// files, so that every chunk goes through Compile and every protected call
// through PCall; and error, whose levels count as Lua 5.1's do
// (luadiag.Error).
func (o *opener) openBase() {
	L := o.L
	L.SetGlobal("error", L.NewFunction(luadiag.Error))
	L.SetGlobal("pcall", L.NewFunction(Pcall))
	L.SetGlobal("xpcall", L.NewFunction(Xpcall))
	L.SetGlobal("load", L.NewFunction(luaLoad))
	L.SetGlobal("loadstring", L.NewFunction(loadString))
	L.SetGlobal("loadfile", L.NewFunction(o.loadFile))
	L.SetGlobal("dofile", L.NewFunction(o.doFile))
	if pkg, ok := L.GetGlobal("package").(*lua.LTable); ok {
		if loaders, ok := L.GetField(pkg, "loaders").(*lua.LTable); ok {
			loaders.RawSetInt(2, L.NewFunction(loadModule))
		}
	}
}

// pushLoaded pushes what load and its relatives return: the function, or
// nil and the message.
func pushLoaded(L *lua.LState, fn *lua.LFunction, err error) int {
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(SyntaxMessage(err)))
		return 2
	}
	L.Push(fn)
	return 1
}

// loadString is loadstring(s [, chunkname]).
func loadString(L *lua.LState) int {
	src := L.CheckString(1)
	checkCompile(L, "loadstring", len(src))
	return loadNamed(L, src, src)
}

// loadNamed compiles src under the name chunkName gives it (dflt when no
// name is given) and pushes what load returns. The chunk's name is the
// chunk id C Lua's runtime errors and tracebacks show (LUA_IDSIZE, 60
// bytes); a syntax error shows the longer one of C Lua's lexer (MAXSRC,
// 80).
func loadNamed(L *lua.LState, src, dflt string) int {
	name, shorten := chunkName(L, dflt)
	runtimeID := name
	if shorten {
		runtimeID = chunkID(name, runtimeIDSize)
	}
	fn, err := Load(L, []byte(src), runtimeID)
	if err != nil && shorten {
		msg := SyntaxMessage(err)
		if rest, ok := strings.CutPrefix(msg, runtimeID+":"); ok {
			msg = chunkID(name, syntaxIDSize) + ":" + rest
		}
		L.Push(lua.LNil)
		L.Push(lua.LString(msg))
		return 2
	}
	return pushLoaded(L, fn, err)
}

// chunkName is the name loadstring and load give a chunk: argument 2 when
// given, shown as C Lua shows it when it starts with "=" or "@"; another
// name is kept as it is, so that debug.getinfo(f).source is that name, as
// in C Lua (whose messages would show it as [string "name"]). Without one,
// dflt as ChunkID shows it: loadstring's [string "first line..."].
// It returns the name to show, and whether C Lua shortens it (chunkID).
func chunkName(L *lua.LState, dflt string) (string, bool) {
	name, given := L.Get(2).(lua.LString)
	if given && !strings.HasPrefix(string(name), "=") && !strings.HasPrefix(string(name), "@") {
		return string(name), false
	}
	if given {
		return string(name), true
	}
	return dflt, true
}

// The sizes of C Lua 5.1's chunk ids: LUA_IDSIZE in runtime errors and
// tracebacks, llex.c's MAXSRC in syntax errors.
const (
	runtimeIDSize = 60
	syntaxIDSize  = 80
)

// ChunkID is how Lua 5.1 shows a chunk name in messages (luaO_chunkid): a
// name starting with "=" as the rest of it, one starting with "@" (a file)
// as the file's name, shortened from the left with "...", and any other
// name (loadstring's default is the source itself) as [string "..."]
// holding its first line, shortened with "...".
// This is the form of syntax errors; runtime errors shorten more (see
// loadNamed).
func ChunkID(name string) string { return chunkID(name, syntaxIDSize) }

// chunkID is luaO_chunkid with a buffer of idSize bytes.
func chunkID(name string, idSize int) string {
	switch {
	case strings.HasPrefix(name, "="):
		name = name[1:]
		if len(name) > idSize-1 {
			name = name[:idSize-1]
		}
		return name
	case strings.HasPrefix(name, "@"):
		name = name[1:]
		if max := idSize - len(" '...' ") - 1; len(name) > max {
			name = "..." + name[len(name)-max:]
		}
		return name
	}
	line := name
	if i := strings.IndexAny(name, "\n\r"); i >= 0 {
		line = name[:i]
	}
	if max := idSize - len(` [string "..."] `) - 1; len(line) > max {
		line = line[:max]
	}
	if len(line) < len(name) {
		return `[string "` + line + `..."]`
	}
	return `[string "` + name + `"]`
}

// luaLoad is load(func [, chunkname]) (and, as in Lua 5.2, load(string [,
// chunkname])).
func luaLoad(L *lua.LState) int {
	var src string
	name := L.OptString(2, "=(load)")
	switch v := L.Get(1).(type) {
	case lua.LString:
		src = string(v)
		if L.GetTop() < 2 {
			name = src
		}
	case *lua.LFunction:
		var b strings.Builder
		for {
			vals, err := Call(L, v, 1, nil) // the reader's error is load's result, as in Lua 5.1
			if err != nil {
				L.Push(lua.LNil)
				L.Push(ErrorValue(err))
				return 2
			}
			piece := vals[0]
			if piece == lua.LNil {
				break
			}
			s, ok := piece.(lua.LString)
			if !ok {
				if n, isNum := piece.(lua.LNumber); isNum {
					s = lua.LString(n.String())
				} else {
					L.Push(lua.LNil)
					L.Push(lua.LString("reader function must return a string"))
					return 2
				}
			}
			if s == "" {
				break
			}
			b.WriteString(string(s))
		}
		src = b.String()
	default:
		L.ArgError(1, "function or string expected, got "+v.Type().String())
	}
	checkCompile(L, "load", len(src))
	return loadNamed(L, src, name)
}

// LoadFile compiles a file of Lua source, skipping a first line that
// starts with "#" (keeping the line numbers), as lua.c does. It is called
// from Lua (loadfile, dofile, require): a file too large for the run's
// memory budget to compile raises an error saying so.
func LoadFile(L *lua.LState, path string) (*lua.LFunction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorFile, Object: lua.LString(fmt.Sprintf("cannot open %s", path)), Cause: err}
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
		checkCompile(L, "compiling "+path, int(min(info.Size(), 1<<40)))
	}
	// Read a step at a time, weighed as it grows: a device or a pipe has
	// no size to check first.
	src, err := readAll(L, f, "compiling "+path, CompileCost, maxLoad)
	if err != nil {
		return nil, &lua.ApiError{Type: lua.ApiErrorFile, Object: lua.LString(fmt.Sprintf("cannot read %s", path)), Cause: err}
	}
	return Load(L, SkipHashLine(src), path)
}

// SkipHashLine blanks a first line starting with "#" (a #! line), keeping
// its newline so that line numbers stay right.
func SkipHashLine(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("#")) {
		return src
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		return src[i:]
	}
	return nil
}

// loadFile is loadfile([filename]): the standard input without a name.
func (o *opener) loadFile(L *lua.LState) int {
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		fn, err := o.loadStdin(L)
		return pushLoaded(L, fn, err)
	}
	fn, err := LoadFile(L, L.CheckString(1))
	return pushLoaded(L, fn, err)
}

func (o *opener) loadStdin(L *lua.LState) (*lua.LFunction, error) {
	var src []byte
	if o.cfg.Stdin != nil {
		var err error
		if src, err = readAll(L, o.cfg.Stdin, "compiling stdin", CompileCost, maxLoad); err != nil {
			return nil, &lua.ApiError{Type: lua.ApiErrorFile, Object: lua.LString("cannot read stdin: " + err.Error()), Cause: err}
		}
	}
	return Load(L, SkipHashLine(src), "stdin")
}

// doFile is dofile([filename]): the chunk runs unprotected, its errors
// reach the caller.
func (o *opener) doFile(L *lua.LState) int {
	var fn *lua.LFunction
	var err error
	if L.GetTop() == 0 || L.Get(1) == lua.LNil {
		fn, err = o.loadStdin(L)
	} else {
		fn, err = LoadFile(L, L.CheckString(1))
	}
	if err != nil {
		L.RaiseError("%s", SyntaxMessage(err))
	}
	top := L.GetTop()
	L.Push(fn)
	L.Call(0, lua.MultRet)
	return L.GetTop() - top
}

// loadModule is require's loader of Lua files: it searches package.path
// and compiles the file it finds, or returns why it found none.
func loadModule(L *lua.LState) int {
	name := L.CheckString(1)
	path, ok := L.GetField(L.GetGlobal("package"), "path").(lua.LString)
	if !ok {
		L.RaiseError("package.path must be a string")
	}
	file := strings.ReplaceAll(name, ".", string(os.PathSeparator))
	var tried strings.Builder
	for _, pattern := range strings.Split(string(path), ";") {
		if pattern == "" {
			continue
		}
		candidate := strings.ReplaceAll(pattern, "?", file)
		if st, err := os.Stat(candidate); err != nil || st.IsDir() {
			fmt.Fprintf(&tried, "\n\tno file '%s'", candidate)
			continue
		}
		fn, err := LoadFile(L, candidate)
		if err != nil {
			L.RaiseError("error loading module '%s' from file '%s':\n\t%s", name, candidate, SyntaxMessage(err))
		}
		L.Push(fn)
		return 1
	}
	L.Push(lua.LString(tried.String()))
	return 1
}
