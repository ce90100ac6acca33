// Package luadefs generates everything that describes flyscript's Lua API
// from the one registry that installs it (bindings.Registry for the fly
// module, stdlib.Funcs for the host modules), so that none of it can drift
// from the code:
//
//   - GenerateDefs: fly.d.lua, a lua-language-server (LuaLS) definition
//     file with every function, its options tables as classes, the app
//     handle, the error value, and a class for every request and response
//     shape of the embedded OpenAPI document;
//   - GenerateLuarc: the .luarc.json that points LuaLS at it;
//   - GenerateReference: docs/lua-api.md, the API reference;
//   - Docs: the entries of the REPL's help().
//
// WriteFiles writes the editor files; `flyscript defs` is a thin command
// over it. Docs reads only the registry: it never decodes the OpenAPI
// document, so the REPL may call it on start-up.
package luadefs

//go:generate go run ./genref -o ../../docs/lua-api.md

import (
	"regexp"
	"sort"
	"strings"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/repl"
	"github.com/flyscript/flyscript/internal/testrun"
	"github.com/flyscript/flyscript/stdlib"
)

// HostModules are the host module tables (and the global inspect function)
// that fly.d.lua declares next to fly.
var HostModules = []string{"base64", "crypto", "env", "hex", "inspect", "json", "log", "time"}

// Globals are the globals a script finds: fly and the host modules. The
// .luarc.json declares them for LuaLS's undefined-global check.
var Globals = []string{"base64", "crypto", "env", "fly", "hex", "inspect", "json", "log", "time"}

// fn is one documented Lua function, from either registry.
type fn struct {
	name      string
	doc       string
	params    []param
	returns   []ret
	ops       []string
	appScoped bool
	host      bool // from stdlib
	testOnly  bool // a global of test files (internal/testrun)
	builtin   bool // a standard Lua function the host replaces (print, pcall, os.exit)
	reg       *bindings.Func
}

type param struct {
	name     string
	typ      string
	optional bool
	doc      string
	opts     bool // the options table described by Func.Options
}

type ret struct {
	name string
	typ  string
	doc  string
}

// hasOptions reports whether the function takes an options table whose
// keys the registry lists.
func (f *fn) hasOptions() bool {
	if f.reg == nil {
		return false
	}
	for _, p := range f.params {
		if p.opts {
			return len(f.reg.Options()) > 0
		}
	}
	return false
}

// namespace is the table holding the function: "fly.machines", "json", ""
// for a global.
func (f *fn) namespace() string {
	if i := strings.LastIndexByte(f.name, '.'); i >= 0 {
		return f.name[:i]
	}
	return ""
}

// optionsClass is the LuaLS class of the function's options table.
func (f *fn) optionsClass() string { return f.name + ".Options" }

// flyFuncs lists the fly module's functions, sorted by name.
func flyFuncs() []*fn {
	reg := bindings.Registry()
	out := make([]*fn, 0, len(reg))
	for i := range reg {
		r := &reg[i]
		f := &fn{name: r.Name, doc: oneLine(r.Doc), ops: r.Ops, appScoped: r.AppScoped, reg: r}
		for _, p := range r.Params {
			f.params = append(f.params, param{name: p.Name, typ: oneLine(p.Type), optional: p.Optional,
				doc: oneLine(p.Doc), opts: p.In == "opts"})
		}
		for _, v := range r.Returns {
			f.returns = append(f.returns, ret{name: v.Name, typ: oneLine(v.Type), doc: oneLine(v.Doc)})
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// hostFuncs lists the host modules' functions, sorted by name, the
// standard Lua functions the host replaces included (marked builtin).
func hostFuncs() []*fn {
	var out []*fn
	for _, h := range stdlib.Funcs() {
		f := &fn{name: h.Name, doc: oneLine(h.Doc), host: true}
		top, _, _ := strings.Cut(h.Name, ".")
		f.builtin = !contains(HostModules, top)
		for _, p := range h.Params {
			f.params = append(f.params, param{name: p.Name, typ: oneLine(p.Type), optional: p.Optional})
		}
		for _, r := range h.Returns {
			f.returns = append(f.returns, ret{name: r.Name, typ: oneLine(r.Type)})
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// testFuncs lists the functions test files have on top of a script's
// (`flyscript test`: test, sim.*, run), sorted by name.
func testFuncs() []*fn {
	var out []*fn
	for _, h := range testrun.Funcs() {
		f := &fn{name: h.Name, doc: oneLine(h.Doc), testOnly: true}
		for _, p := range h.Params {
			f.params = append(f.params, param{name: p.Name, typ: oneLine(p.Type), optional: p.Optional})
		}
		for _, r := range h.Returns {
			f.returns = append(f.returns, ret{name: r.Name, typ: oneLine(r.Type)})
		}
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Signature renders a call in Lua syntax with the names of the results:
// "fly.machines.stop(id, opts?)", "fly.machines.create(body) -> machine".
func (f *fn) signature() string {
	var b strings.Builder
	b.WriteString(f.name)
	b.WriteByte('(')
	for i, p := range f.params {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.name)
		if p.optional && p.name != "..." {
			b.WriteByte('?')
		}
	}
	b.WriteByte(')')
	if len(f.returns) > 0 {
		b.WriteString(" -> ")
		for i, r := range f.returns {
			if i > 0 {
				b.WriteString(", ")
			}
			if r.name != "" {
				b.WriteString(r.name)
			} else {
				b.WriteString(r.typ)
			}
		}
	}
	return b.String()
}

// Docs returns the REPL's help entries: every function of fly and of the
// host modules, sorted by name. It reads the registries only, never the
// OpenAPI document, so it is cheap enough for start-up.
func Docs() []repl.Doc {
	all := append(flyFuncs(), hostFuncs()...)
	sort.Slice(all, func(i, j int) bool { return all[i].name < all[j].name })
	out := make([]repl.Doc, 0, len(all))
	for _, f := range all {
		out = append(out, repl.Doc{
			Name:      f.name,
			Signature: f.signature(),
			Summary:   f.doc,
			Op:        strings.Join(f.ops, ", "),
		})
	}
	return out
}

var spaces = regexp.MustCompile(`\s+`)

// oneLine collapses a text to one line, for comments and table cells.
func oneLine(s string) string {
	return strings.TrimSpace(spaces.ReplaceAllString(s, " "))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
