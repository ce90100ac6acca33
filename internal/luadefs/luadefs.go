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
	"fmt"
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
		d := repl.Doc{
			Name:      f.name,
			Signature: f.signature(),
			Summary:   f.doc,
			Op:        strings.Join(f.ops, ", "),
			Example:   f.example(),
		}
		for _, p := range f.params {
			d.Params = append(d.Params, repl.DocField{Name: p.name, Type: p.typ, Doc: p.doc, Optional: p.optional})
		}
		for _, r := range f.returns {
			d.Returns = append(d.Returns, repl.DocField{Name: r.name, Type: r.typ, Doc: r.doc})
		}
		if reg := f.reg; reg != nil && reg.Name != "" {
			d.Options = func() []repl.DocField {
				var out []repl.DocField
				for _, o := range reg.Options() {
					out = append(out, repl.DocField{Name: o.Name, Type: o.Type, Doc: firstSentence(o.Doc), Default: o.Default})
				}
				return out
			}
		}
		out = append(out, d)
	}
	return out
}

// example is a call of f in Lua: the registry's example when it has one,
// else one built from the parameter names.
func (f *fn) example() string {
	if f.reg != nil && f.reg.Example != "" {
		return f.reg.Example
	}
	if f.builtin {
		return ""
	}
	var args []string
	for _, p := range f.params {
		if p.name == "..." || p.optional {
			break
		}
		args = append(args, luaParamName(p.name))
	}
	call := f.name + "(" + strings.Join(args, ", ") + ")"
	if len(f.returns) > 0 && f.returns[0].name != "" && f.returns[0].name != "..." {
		return "local " + luaParamName(f.returns[0].name) + " = " + call
	}
	return call
}

// firstSentence is the first sentence of a description, on one line.
func firstSentence(s string) string {
	s = oneLine(s)
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}

// TypeDoc documents a type of the API for help("fly.MachineConfig"): its
// description and its fields with their types. name may leave out "fly.".
func TypeDoc(name string) (string, bool) {
	bare := strings.TrimPrefix(name, "fly.")
	if "fly."+bare == createdApp {
		base, _ := TypeDoc("CreateAppResponse")
		_, fields, _ := strings.Cut(base, "\nFields:")
		return createdApp + ": what fly.apps.create returns, the API's answer (fly.CreateAppResponse) and the name the app was created with, so that it stands in for the app\nFields:" +
			fields + "\n  name: string      the app's name", true
	}
	var s *bindings.Schema
	for _, n := range []string{bare, "fly." + bare} { // "Machine", "fly.MachineConfig"
		if s = bindings.LookupSchema(n); s != nil {
			break
		}
	}
	if s == nil {
		return "", false
	}
	cls := bindings.ClassName(s.Name)
	g := &defsGen{}
	var b strings.Builder
	b.WriteString(cls)
	if d := oneLine(s.Description); d != "" {
		b.WriteString(": " + d)
	}
	if kind := bindings.RecordKind(s.Name); kind != "" {
		b.WriteString("\n  " + recordDoc(s.Name))
	}
	if s.Type != "object" || len(s.Properties) == 0 {
		b.WriteString("\n  type: " + g.typeExpr(s, cls, false))
		return b.String(), true
	}
	b.WriteString("\nFields:")
	names := s.PropertyNames()
	width := 0
	types := make([]string, len(names))
	for i, n := range names {
		types[i] = g.typeExpr(s.Properties[n], cls+"."+n, true)
		width = max(width, len(n)+len(types[i])+2)
	}
	for i, n := range names {
		ps := s.Properties[n]
		line := fmt.Sprintf("\n  %-*s", width+1, n+": "+types[i])
		doc := firstSentence(ps.Description)
		if doc == "" && ps.Name != "" {
			if named := bindings.LookupSchema(ps.Name); named != nil {
				doc = firstSentence(named.Description)
			}
		}
		b.WriteString(strings.TrimRight(line+" "+doc, " "))
	}
	return b.String(), true
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
