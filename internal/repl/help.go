package repl

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/editdist"
	"github.com/flyscript/flyscript/internal/lazy"
)

// Doc documents one Lua function for help(): the same registry that
// documents the bindings feeds it.
type Doc struct {
	Name      string // qualified: "fly.machines.create"
	Signature string // Lua syntax: "fly.machines.create(body) -> machine"
	Summary   string // one line
	Op        string // the REST operation, "POST /v1/apps/{app_name}/machines", if any
	// Params, Options and Returns are shown by help(fn) under their
	// headings; Example is Lua showing a call. Options is a function so
	// that the OpenAPI document they come from is read only when asked.
	Params  []DocField
	Options func() []DocField
	Returns []DocField
	Example string
}

// DocField is one parameter, option or result of a Doc.
type DocField struct {
	Name     string
	Type     string
	Doc      string
	Default  string // in Lua syntax; options only
	Optional bool
}

// Help answers help() at the prompt from a list of Docs.
type Help struct {
	// Types, when set, documents a type by name for help("fly.MachineConfig"):
	// its fields and their types.
	Types func(name string) (string, bool)
	// FuncName, when set, names functions the globals do not reach: those
	// of app handles (help(fly.app("web").machines.list)).
	FuncName func(fn *lua.LFunction) (string, bool)

	docs   map[string]Doc
	names  []string
	reg    map[*lua.LFunction]string
	walked bool
}

// NewHelp indexes docs by qualified name.
func NewHelp(docs []Doc) *Help {
	h := &Help{docs: map[string]Doc{}}
	for _, d := range docs {
		h.docs[d.Name] = d
		h.names = append(h.names, d.Name)
	}
	sort.Strings(h.names)
	return h
}

// Overview is what `.help` and `help()` print.
func (h *Help) Overview() string {
	var b strings.Builder
	b.WriteString(`Type Lua at the prompt. An expression (or =expr) prints its value; _ holds the last one.
Records and lists of them print short; inspect(x) prints every field, inspect(x, {depth = 1}) one level.
  help(fly.machines.create)   a function: parameters, options, results, an example, its REST call
  help("fly.machines")        every function of a namespace
  help("fly.MachineConfig")   a type's fields
  fly.<Tab>                   complete names at any depth
  .help  .clear  .exit        this text, clear the screen, leave (or Ctrl-D)
Ctrl-C clears the line, or cancels the statement that is running.
`)
	if len(h.names) > 0 {
		groups := map[string]int{}
		var order, globals []string
		for _, n := range h.names {
			i := strings.LastIndex(n, ".")
			if i <= 0 {
				// print, pcall, inspect: functions, not namespaces.
				globals = append(globals, n)
				continue
			}
			ns := n[:i]
			if groups[ns] == 0 {
				order = append(order, ns)
			}
			groups[ns]++
		}
		b.WriteString("Namespaces:\n")
		for _, ns := range order {
			fmt.Fprintf(&b, "  %-24s %d %s\n", ns, groups[ns], "function"+plural(groups[ns]))
		}
		if len(globals) > 0 {
			sort.Strings(globals)
			fmt.Fprintf(&b, "Global functions: %s\n", strings.Join(globals, ", "))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Describe documents a value given to help(): a function of the registry,
// a namespace table, or a qualified name as a string.
func (h *Help) Describe(L *lua.LState, v lua.LValue) string {
	switch x := v.(type) {
	case lua.LString:
		return h.describeName(string(x))
	case *lua.LFunction:
		if name, ok := h.nameOf(L, x); ok {
			return h.describeName(name)
		}
		if h.FuncName != nil {
			if name, ok := h.FuncName(x); ok {
				return h.describeName(name)
			}
		}
		return "no help for this function: it is not part of the fly API"
	case *lua.LTable:
		if name, ok := h.tableName(L, x); ok {
			return h.describeName(name)
		}
		return "no help for this table"
	case *lua.LNilType:
		return h.Overview()
	}
	return fmt.Sprintf("no help for a %s", v.Type())
}

// simTopic opens help("sim"): the simulator's failure modes, which a
// script author needs to test the unhappy paths (sim/doc.go has them all).
const simTopic = `The simulator (flyscript --sim, --sim-state FILE, flyscript sim) fails on request:
  image "sim-fail"        the machine fails when it starts: starting, then failed (exit code 1)
  image "sim-unhealthy"   it starts, and the checks its config declares are critical
  image "sim-slow"        it stays starting 30 s longer, on the simulator's clock
  (the image's last path element, any registry or tag: "registry.example.com/sim-fail:2")
  checks declared in config.checks or services[].checks are passing once the machine is
    started (warning during grace_period), critical when it is not running
  a running machine sees changed secrets only after a restart or an update
  guest sizes the platform refuses answer 400: shared 1, 2, 4, 6 or 8 CPUs with 256 MiB
    to 2 GiB each; performance 1 to 16 CPUs with 2 to 8 GiB each
  flyscript sim --faults 503=0.1,429=0.05,reset=0.05 --latency 50ms: random failures`

func (h *Help) describeName(name string) string {
	if d, ok := h.docs[name]; ok {
		return formatDoc(d)
	}
	if name == "sim" {
		if more := h.describeNamespace(name); more != "" {
			return simTopic + "\n" + more
		}
		return simTopic
	}
	if s := h.describeNamespace(name); s != "" {
		return s
	}
	if near := editdist.Nearest(name, h.topics(), 2); near != "" {
		return fmt.Sprintf("no help for %q; did you mean %q?", name, near)
	}
	return fmt.Sprintf("no help for %q", name)
}

// topics are the names help(name) knows: every function and namespace.
func (h *Help) topics() []string {
	out := append([]string{"sim"}, h.names...)
	seen := map[string]bool{}
	for _, n := range h.names {
		for i := strings.LastIndex(n, "."); i > 0; i = strings.LastIndex(n[:i], ".") {
			if ns := n[:i]; !seen[ns] {
				seen[ns] = true
				out = append(out, ns)
			}
		}
	}
	return out
}

// describeNamespace lists the functions under name, or "".
func (h *Help) describeNamespace(name string) string {
	var lines []string
	for _, n := range h.names {
		if strings.HasPrefix(n, name+".") {
			d := h.docs[n]
			lines = append(lines, fmt.Sprintf("  %-44s %s", d.Signature, d.Summary))
		}
	}
	if len(lines) == 0 {
		if h.Types != nil {
			if text, ok := h.Types(name); ok {
				return text
			}
		}
		return ""
	}
	return name + ":\n" + strings.Join(lines, "\n")
}

func formatDoc(d Doc) string {
	var b strings.Builder
	s := d.Signature
	if s == "" {
		s = d.Name + "(...)"
	}
	b.WriteString(s + "\n  " + d.Summary)
	fields := func(title string, list []DocField, defaults bool) {
		if len(list) == 0 {
			return
		}
		b.WriteString("\n" + title + ":")
		cols := make([]string, len(list))
		width := 0
		for i, f := range list {
			name := f.Name
			if f.Optional {
				name += "?"
			}
			cols[i] = name + ": " + f.Type
			width = max(width, len(cols[i]))
		}
		for i, f := range list {
			line := fmt.Sprintf("\n  %-*s", width, cols[i])
			if f.Doc != "" {
				line += "  " + f.Doc
			}
			if defaults && f.Default != "" {
				line += " (default " + f.Default + ")"
			}
			b.WriteString(strings.TrimRight(line, " "))
		}
	}
	fields("Parameters", d.Params, false)
	if d.Options != nil {
		fields("Options", d.Options(), true)
	}
	fields("Returns", d.Returns, false)
	if d.Example != "" {
		b.WriteString("\nExample:\n  " + strings.ReplaceAll(d.Example, "\n", "\n  "))
	}
	if d.Op != "" {
		b.WriteString("\nREST: " + d.Op)
	}
	return b.String()
}

// nameOf finds the qualified name of a function by walking the global
// tables that hold documented functions.
func (h *Help) nameOf(L *lua.LState, fn *lua.LFunction) (string, bool) {
	if !h.walked {
		h.reg = map[*lua.LFunction]string{}
		for _, n := range h.names {
			if f, ok := lookup(L, n).(*lua.LFunction); ok {
				h.reg[f] = n
			}
		}
		h.walked = true
	}
	n, ok := h.reg[fn]
	return n, ok
}

func (h *Help) tableName(L *lua.LState, t *lua.LTable) (string, bool) {
	seen := map[string]bool{}
	for _, n := range h.names {
		for i := strings.LastIndex(n, "."); i > 0; i = strings.LastIndex(n[:i], ".") {
			ns := n[:i]
			if seen[ns] {
				continue
			}
			seen[ns] = true
			if lookup(L, ns) == t {
				return ns, true
			}
		}
	}
	return "", false
}

// lookup reads a dotted global name with raw gets.
func lookup(L *lua.LState, name string) lua.LValue {
	var cur lua.LValue = L.G.Global
	for _, part := range strings.Split(name, ".") {
		t, ok := cur.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		if lazy.FillKey(t, part) != nil { // a namespace built on first access
			return lua.LNil
		}
		cur = t.RawGetString(part)
	}
	return cur
}

// Install defines the global help(v) in L, printing to out.
// NilHelp is what help(x) says when x is nil: help() alone is the overview.
const NilHelp = `no help for nil: the name given is misspelt, or not set; help("fly.machines.create"), the name as a string, suggests the nearest one, and help() lists the namespaces`

func (h *Help) Install(L *lua.LState, print func(string)) {
	L.SetGlobal("help", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() >= 1 && L.Get(1) == lua.LNil {
			// help(fly.machines.craete): the name is misspelt, and the
			// overview help() prints would not say so.
			print(NilHelp)
			return 0
		}
		print(h.Describe(L, L.Get(1)))
		return 0
	}))
}
