// Package lua embeds flyscript's Lua sources: the sugar written in Lua over
// the Go core (lua/fly/*.lua) and helper modules such as assert.
//
// Every chunk is loaded under its real path in the repository
// ("lua/fly/leases.lua"), so tracebacks point at a file a user can open.
package lua

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	glua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
)

//go:embed *
var files embed.FS

// Source returns the text of one embedded file, named relative to this
// folder: "assert.lua", "fly/leases.lua".
func Source(name string) ([]byte, error) { return files.ReadFile(name) }

// ChunkName is the name a chunk is compiled under: its path in the
// repository, so that error messages and tracebacks name a real file.
func ChunkName(name string) string { return "lua/" + name }

// IsChunk reports whether a chunk name is that of an embedded file
// ("lua/fly/leases.lua"): tracebacks and error locations skip such frames
// to point at the script's own line.
func IsChunk(chunk string) bool {
	name, ok := strings.CutPrefix(chunk, "lua/")
	if !ok {
		return false
	}
	_, err := fs.Stat(files, name)
	return err == nil && strings.HasSuffix(name, ".lua")
}

// ModuleName turns a file name into the module name require() knows it by:
// "assert.lua" is "assert", "fly/leases.lua" is "fly.leases".
func ModuleName(name string) string {
	return strings.ReplaceAll(strings.TrimSuffix(name, ".lua"), "/", ".")
}

// Files lists every embedded .lua file, sorted.
func Files() []string {
	var out []string
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lua") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// protos caches compiled chunks by file name. A FunctionProto is immutable
// once compiled, so every state of the process shares one.
var protos sync.Map // string -> *glua.FunctionProto

// Compile returns the compiled chunk of an embedded file ("assert.lua"),
// compiled under its chunk name ("lua/assert.lua") the first time it is
// asked for and shared afterwards.
func Compile(name string) (*glua.FunctionProto, error) {
	if p, ok := protos.Load(name); ok {
		return p.(*glua.FunctionProto), nil
	}
	src, err := Source(name)
	if err != nil {
		return nil, err
	}
	proto, err := lua51.Compile(src, ChunkName(name))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ChunkName(name), err)
	}
	p, _ := protos.LoadOrStore(name, proto)
	return p.(*glua.FunctionProto), nil
}

// Load compiles an embedded file into a function of L, ready to call.
func Load(L *glua.LState, name string) (*glua.LFunction, error) {
	proto, err := Compile(name)
	if err != nil {
		return nil, err
	}
	return L.NewFunctionFromProto(proto), nil
}

// Loader returns a package.preload loader for an embedded file: require
// runs the chunk with the module name as its argument and keeps what it
// returns.
func Loader(name string) glua.LGFunction {
	return func(L *glua.LState) int {
		fn, err := Load(L, name)
		if err != nil {
			L.RaiseError("%s", err.Error())
		}
		L.Push(fn)
		L.Push(glua.LString(ModuleName(name)))
		L.Call(1, 1)
		return 1
	}
}

// Preload registers every embedded file in L's package.preload under its
// module name ("assert", "fly.leases"), so require finds it without touching
// the file system (and under a sandbox that forbids loading files). Entries
// already present are left alone, so a host can override a module. Nothing
// is compiled until it is required.
func Preload(L *glua.LState) {
	pkg, ok := L.GetGlobal("package").(*glua.LTable)
	if !ok {
		return
	}
	preload, ok := pkg.RawGetString("preload").(*glua.LTable)
	if !ok {
		preload = L.NewTable()
		pkg.RawSetString("preload", preload)
	}
	for _, f := range Files() {
		mod := ModuleName(f)
		if preload.RawGetString(mod) != glua.LNil {
			continue
		}
		preload.RawSetString(mod, L.NewFunction(Loader(f)))
	}
}
