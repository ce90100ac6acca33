package luadefs

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/testrun"
	"github.com/flyscript/flyscript/stdlib"
)

// defs is fly.d.lua, generated once for all tests.
var defs = sync.OnceValue(GenerateDefs)

// luaFunc is a function definition found by parsing fly.d.lua.
type luaFunc struct {
	name   string
	params []string // "..." for varargs
	line   int
}

// parseDefs parses fly.d.lua with gopher-lua's parser and returns the
// functions it defines, by qualified name.
func parseDefs(t *testing.T, src []byte) map[string]luaFunc {
	t.Helper()
	chunk, err := parse.Parse(bytes.NewReader(src), DefsFile)
	require.NoError(t, err, "fly.d.lua must parse")
	out := map[string]luaFunc{}
	add := func(name string, fe *ast.FunctionExpr, line int) {
		_, dup := out[name]
		require.False(t, dup, "%s is defined twice", name)
		params := append([]string(nil), fe.ParList.Names...)
		if fe.ParList.HasVargs {
			params = append(params, "...")
		}
		out[name] = luaFunc{name: name, params: params, line: line}
	}
	for _, st := range chunk {
		switch s := st.(type) {
		case *ast.FuncDefStmt:
			require.Nil(t, s.Name.Receiver, "methods are not expected at line %d", s.Line())
			add(exprName(t, s.Name.Func), s.Func, s.Line())
		case *ast.AssignStmt:
			for i, rhs := range s.Rhs {
				if fe, ok := rhs.(*ast.FunctionExpr); ok {
					add(exprName(t, s.Lhs[i]), fe, s.Line())
				}
			}
		}
	}
	return out
}

// exprName renders a variable expression (a.b["c"]) as a dotted name.
func exprName(t *testing.T, e ast.Expr) string {
	t.Helper()
	switch x := e.(type) {
	case *ast.IdentExpr:
		return x.Value
	case *ast.AttrGetExpr:
		key, ok := x.Key.(*ast.StringExpr)
		require.True(t, ok, "field key must be a string")
		return exprName(t, x.Object) + "." + key.Value
	}
	t.Fatalf("unexpected expression %T", e)
	return ""
}

// expectedDefs are the functions fly.d.lua must declare: the whole fly
// registry, the host modules' functions (the standard Lua functions the
// host replaces are left to LuaLS's own definitions) and the globals of
// test files.
func expectedDefs() map[string]bool {
	want := map[string]bool{}
	for _, f := range testrun.Funcs() {
		want[f.Name] = true
	}
	for _, f := range bindings.Registry() {
		want[f.Name] = true
	}
	for _, f := range stdlib.Funcs() {
		top, _, _ := strings.Cut(f.Name, ".")
		if contains(HostModules, top) {
			want[f.Name] = true
		}
	}
	return want
}

func TestDefsDeclareExactlyTheRegisteredFunctions(t *testing.T) {
	t.Parallel()
	got := parseDefs(t, defs())
	want := expectedDefs()
	for name := range want {
		assert.Contains(t, got, name, "registered function missing from fly.d.lua")
	}
	for name := range got {
		assert.True(t, want[name], "fly.d.lua defines %s, which is not registered", name)
	}
	// every fly namespace of the registry is in the file
	assert.Contains(t, got, "fly.postgres.databases.create")
	assert.Contains(t, got, "json.encode")
	assert.Contains(t, got, "inspect")
	assert.NotContains(t, got, "pcall", "LuaLS's own pcall is better typed")
}

// annotations returns the `---@` lines of the doc comment right above line
// (1-based) of src.
func annotations(lines []string, line int) []string {
	var out []string
	for i := line - 2; i >= 0 && strings.HasPrefix(lines[i], "---"); i-- {
		if strings.HasPrefix(lines[i], "---@") {
			out = append([]string{lines[i]}, out...)
		}
	}
	return out
}

// splitType splits an annotation's rest into a LuaLS type and the text
// after it: "table<string, any> the fields" -> "table<string, any>",
// "the fields". Spaces inside brackets, after | , : and before | are part
// of the type.
func splitType(s string) (typ, rest string) {
	depth := 0
	inStr := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr != 0:
			if c == inStr {
				inStr = 0
			}
		case c == '"' || c == '\'':
			inStr = c
		case c == '<' || c == '(' || c == '{' || c == '[':
			depth++
		case c == '>' || c == ')' || c == '}' || c == ']':
			depth--
		case c == ' ' && depth == 0:
			prev := strings.TrimRight(s[:i], " ")
			next := strings.TrimLeft(s[i:], " ")
			if strings.HasSuffix(prev, "|") || strings.HasSuffix(prev, ":") || strings.HasSuffix(prev, ",") ||
				strings.HasPrefix(next, "|") {
				continue
			}
			return s[:i], strings.TrimSpace(s[i:])
		}
	}
	return s, ""
}

func TestSplitType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"string the id":                      "string",
		"table<string, any> fields":          "table<string, any>",
		"fun(lease: fly.Lease): any the fn":  "fun(lease: fly.Lease): any",
		`"a"|"b c" doc`:                      `"a"|"b c"`,
		"fly.Machine[]":                      "fly.Machine[]",
		"(string|integer)[] x":               "(string|integer)[]",
		"{depth?: integer, width?: integer}": "{depth?: integer, width?: integer}",
	} {
		got, _ := splitType(in)
		assert.Equal(t, want, got, in)
	}
}

func TestDefsAnnotateParamsAndReturns(t *testing.T) {
	t.Parallel()
	src := defs()
	lines := strings.Split(string(src), "\n")
	got := parseDefs(t, src)
	classFields := declaredFields(lines)
	types := fieldTypes(lines)

	check := func(name string, params []param, returns []ret, opts []bindings.Field) {
		t.Run(name, func(t *testing.T) {
			def, ok := got[name]
			require.True(t, ok)
			var names []string
			for _, p := range params {
				names = append(names, p.name)
			}
			assert.Equal(t, names, def.params, "Lua parameters")
			var paramLines, returnLines []string
			for _, a := range annotations(lines, def.line) {
				switch {
				case strings.HasPrefix(a, "---@param "):
					paramLines = append(paramLines, strings.TrimPrefix(a, "---@param "))
				case strings.HasPrefix(a, "---@return "):
					returnLines = append(returnLines, strings.TrimPrefix(a, "---@return "))
				}
			}
			require.Len(t, paramLines, len(params), "one ---@param per parameter")
			for i, p := range params {
				pname, rest, _ := strings.Cut(paramLines[i], " ")
				typ, _ := splitType(rest)
				wantName := p.name
				if p.optional && p.name != "..." {
					wantName += "?"
				}
				assert.Equal(t, wantName, pname)
				if p.opts && len(opts) > 0 {
					// an options table is typed as a class listing its keys
					require.Contains(t, classFields, typ, "options class of %s", name)
					var keys []string
					for _, o := range opts {
						keys = append(keys, o.Name+"?")
						want := o.Type
						if want == "duration" {
							want = "fly.Duration"
						}
						assert.Equal(t, want, types[typ+"."+o.Name], "type of option %s of %s", o.Name, name)
					}
					assert.Equal(t, keys, classFields[typ], "options of %s", name)
					continue
				}
				want := p.typ
				if want == "duration" {
					want = "fly.Duration"
				}
				assert.Equal(t, want, typ, "type of %s", p.name)
			}
			require.Len(t, returnLines, len(returns), "one ---@return per result")
			for i, r := range returns {
				typ, _ := splitType(returnLines[i])
				assert.Equal(t, r.typ, typ)
			}
		})
	}
	for _, f := range bindings.Registry() {
		var ps []param
		for _, p := range f.Params {
			ps = append(ps, param{name: p.Name, typ: p.Type, optional: p.Optional, opts: p.In == "opts"})
		}
		var rs []ret
		for _, r := range f.Returns {
			rs = append(rs, ret{name: r.Name, typ: r.Type})
		}
		check(f.Name, ps, rs, f.Options())
	}
	for _, f := range stdlib.Funcs() {
		if _, ok := got[f.Name]; !ok {
			continue // a standard function (checked above)
		}
		var ps []param
		for _, p := range f.Params {
			ps = append(ps, param{name: p.Name, typ: p.Type, optional: p.Optional})
		}
		var rs []ret
		for _, r := range f.Returns {
			rs = append(rs, ret{name: r.Name, typ: r.Type})
		}
		check(f.Name, ps, rs, nil)
	}
}

// fieldTypes maps "Class.field" to the field's type for every ---@field of
// the file.
func fieldTypes(lines []string) map[string]string {
	out := map[string]string{}
	cls := ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "---@class "):
			cls, _, _ = strings.Cut(strings.TrimPrefix(l, "---@class "), " : ")
		case strings.HasPrefix(l, "---@field ") && cls != "":
			name, rest, _ := strings.Cut(strings.TrimPrefix(l, "---@field "), " ")
			typ, _ := splitType(rest)
			out[cls+"."+strings.TrimSuffix(name, "?")] = typ
		case !strings.HasPrefix(l, "---"):
			cls = ""
		}
	}
	return out
}

// declaredFields maps every ---@class of the file to its ---@field names
// (with ? when optional), in order.
func declaredFields(lines []string) map[string][]string {
	out := map[string][]string{}
	cls := ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "---@class "):
			cls, _, _ = strings.Cut(strings.TrimPrefix(l, "---@class "), " : ")
			out[cls] = []string{}
		case strings.HasPrefix(l, "---@field ") && cls != "":
			name, _, _ := strings.Cut(strings.TrimPrefix(l, "---@field "), " ")
			out[cls] = append(out[cls], name)
		case !strings.HasPrefix(l, "---"):
			cls = ""
		}
	}
	return out
}

var flyType = regexp.MustCompile(`\bfly(\.[A-Za-z0-9_]+)+`)

func TestDefsReferToDeclaredTypesOnly(t *testing.T) {
	t.Parallel()
	lines := strings.Split(string(defs()), "\n")
	declared := map[string]int{}
	var uses []string
	for _, l := range lines {
		tag, rest, ok := strings.Cut(l, " ")
		if !ok {
			continue
		}
		switch tag {
		case "---@class":
			name, parent, _ := strings.Cut(rest, " : ")
			declared[name]++
			if parent != "" {
				uses = append(uses, parent)
			}
		case "---@alias":
			name, typ, _ := strings.Cut(rest, " ")
			declared[name]++
			uses = append(uses, typ)
		case "---@param", "---@field":
			_, after, _ := strings.Cut(rest, " ")
			typ, _ := splitType(after)
			uses = append(uses, typ)
		case "---@return", "---@type":
			typ, _ := splitType(rest)
			uses = append(uses, typ)
		}
	}
	for name, n := range declared {
		assert.Equal(t, 1, n, "%s declared %d times", name, n)
	}
	require.NotEmpty(t, uses)
	for _, typ := range uses {
		// string literals of enums are values, not types
		bare := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(typ, `""`)
		for _, ref := range flyType.FindAllString(bare, -1) {
			assert.Contains(t, declared, ref, "type %s is used (in %q) but not declared", ref, typ)
		}
	}
}

func TestDefsDeclareEverySchema(t *testing.T) {
	t.Parallel()
	lines := strings.Split(string(defs()), "\n")
	fields := declaredFields(lines)
	types := fieldTypes(lines)
	aliases := map[string]string{}
	for _, l := range lines {
		if strings.HasPrefix(l, "---@alias ") {
			name, typ, _ := strings.Cut(strings.TrimPrefix(l, "---@alias "), " ")
			aliases[name] = typ
		}
	}
	names := bindings.SchemaNames()
	require.NotEmpty(t, names)
	for _, name := range names {
		s := bindings.LookupSchema(name)
		cls := bindings.ClassName(name)
		if s.Type != "object" {
			assert.Contains(t, aliases, cls, "schema %s", name)
			if len(s.Enum) > 0 && s.Type == "string" {
				for _, e := range s.Enum {
					assert.Contains(t, aliases[cls], `"`+e+`"`, "enum value of %s", name)
				}
			}
			continue
		}
		require.Contains(t, fields, cls, "schema %s", name)
		want := append([]string(nil), s.PropertyNames()...)
		var got []string
		for _, f := range fields[cls] {
			if f != "[string]" {
				got = append(got, strings.TrimSuffix(f, "?"))
			}
		}
		assert.Equal(t, want, got, "fields of %s", cls)
		for _, p := range s.PropertyNames() {
			ps := s.Properties[p]
			typ := types[cls+"."+p]
			switch {
			case ps.Name != "":
				assert.Equal(t, bindings.ClassName(ps.Name), typ, "%s.%s refers to its component", cls, p)
			case ps.Type == "array" && ps.Items != nil && ps.Items.Name != "":
				assert.Equal(t, bindings.ClassName(ps.Items.Name)+"[]", typ, "%s.%s", cls, p)
			case ps.IsBytes():
				assert.Contains(t, []string{"integer[]", "integer[]|string"}, typ, "%s.%s", cls, p)
			case ps.Type == "array":
				assert.True(t, strings.HasSuffix(typ, "[]"), "%s.%s: %s", cls, p, typ)
			case ps.Additional != nil:
				assert.True(t, strings.HasPrefix(typ, "table<string, "), "%s.%s: %s", cls, p, typ)
			case ps.Type == "string" && len(ps.Enum) > 0:
				assert.Equal(t, len(ps.Enum), len(strings.Split(typ, "|")), "%s.%s: %s", cls, p, typ)
			case ps.Type == "string", ps.Type == "integer", ps.Type == "number", ps.Type == "boolean":
				assert.Equal(t, ps.Type, typ, "%s.%s", cls, p)
			}
		}
	}

	// request shapes: optional unless required; answers: present
	assert.Equal(t, "string", types["fly.Machine.id"])
	assert.Contains(t, fields["fly.Machine"], "id")
	assert.Contains(t, fields["fly.CreateMachineRequest"], "config?")
	assert.Contains(t, fields["fly.MachineGuest"], "cpus?")
	assert.Contains(t, fields["fly.createPostgresDatabaseRequest"], "name", "a required request field")
	assert.Equal(t, "integer", types["fly.MachineGuest.cpus"])
	assert.Equal(t, "fly.MachineConfig", types["fly.Machine.config"])
	assert.Equal(t, "table<string, string>", types["fly.MachineConfig.env"])
}

func TestDefsParseWithLuac(t *testing.T) {
	t.Parallel()
	luac, err := exec.LookPath("luac5.1")
	if err != nil {
		t.Skip("luac5.1 is not on PATH (Debian package lua5.1, installed by .ci/run); fly.d.lua was parsed with gopher-lua only")
	}
	path := filepath.Join(t.TempDir(), DefsFile)
	require.NoError(t, os.WriteFile(path, defs(), 0o644))
	out, err := exec.CommandContext(t.Context(), luac, "-p", path).CombinedOutput()
	assert.NoError(t, err, "luac5.1 -p: %s", out)
}

func TestDefsRunAsLua(t *testing.T) {
	t.Parallel()
	// Run, the meta file defines the globals it declares and returns fly.
	L := lua.NewState()
	defer L.Close()
	require.NoError(t, L.DoString(string(defs())))
	ret := L.Get(-1)
	fly, ok := ret.(*lua.LTable)
	require.True(t, ok, "fly.d.lua returns the fly table")
	assert.Equal(t, lua.LTFunction, L.GetField(L.GetField(fly, "machines"), "stop").Type())
	assert.Equal(t, lua.LTFunction, L.GetField(L.GetGlobal("json"), "encode").Type())
	assert.Equal(t, lua.LTFunction, L.GetGlobal("inspect").Type())
}

// handleFields are the fields of the fly.AppHandle class.
func handleFields(t *testing.T) map[string]string {
	lines := strings.Split(string(defs()), "\n")
	out := map[string]string{}
	in := false
	for _, l := range lines {
		switch {
		case l == "---@class "+handleClass:
			in = true
		case in && strings.HasPrefix(l, "---@field "):
			name, rest, _ := strings.Cut(strings.TrimPrefix(l, "---@field "), " ")
			typ, _ := splitType(rest)
			out[name] = typ
		case in && !strings.HasPrefix(l, "---"):
			return out
		}
	}
	t.Fatal("no fly.AppHandle class")
	return nil
}

func TestAppHandleMatchesTheBindings(t *testing.T) {
	t.Parallel()
	L := lua.NewState()
	defer L.Close()
	_, err := bindings.Open(L, bindings.Config{})
	require.NoError(t, err)
	require.NoError(t, L.DoString(`handle = fly.app("api")`))
	h, ok := L.GetGlobal("handle").(*lua.LTable)
	require.True(t, ok)
	require.NoError(t, lazy.Force(h)) // its namespaces are built on first access
	var keys []string
	h.ForEach(func(k, _ lua.LValue) { keys = append(keys, k.String()) })
	fields := handleFields(t)
	var declared []string
	for name := range fields {
		declared = append(declared, name)
	}
	assert.ElementsMatch(t, keys, declared, "the handle's keys and the fly.AppHandle class")

	for _, ns := range bindings.AppNamespaces {
		assert.Equal(t, "fly."+ns, fields[ns], "a handle's %s has fly.%s's functions", ns, ns)
		var inHandle []string
		L.GetField(h, ns).(*lua.LTable).ForEach(func(k, _ lua.LValue) { inHandle = append(inHandle, "fly."+ns+"."+k.String()) })
		var registered []string
		for _, f := range bindings.Registry() {
			if strings.HasPrefix(f.Name, "fly."+ns+".") && f.AppScoped {
				registered = append(registered, f.Name)
			}
		}
		assert.ElementsMatch(t, registered, inHandle, "handle namespace %s", ns)
	}
}

func TestErrorFieldsMatchTheBindings(t *testing.T) {
	t.Parallel()
	// The Lua fields are the snake_case names of bindings.Error's fields.
	var goFields []string
	typ := reflect.TypeFor[bindings.Error]()
	for i := range typ.NumField() {
		goFields = append(goFields, snake(typ.Field(i).Name))
	}
	var declared []string
	for _, f := range errorFields {
		declared = append(declared, f.name)
	}
	assert.ElementsMatch(t, goFields, declared)
	fields := declaredFields(strings.Split(string(defs()), "\n"))[errorClass]
	for _, f := range errorFields {
		name := f.name
		if f.optional {
			name += "?"
		}
		assert.Contains(t, fields, name)
	}

	// A raised value carries no field the class does not declare.
	L := lua.NewState()
	defer L.Close()
	_, err := bindings.Open(L, bindings.Config{App: "web"})
	require.NoError(t, err)
	require.NoError(t, L.DoString(`ok, err = pcall(fly.machines.get, "148e")`))
	assert.Equal(t, lua.LFalse, L.GetGlobal("ok"))
	errv, ok := L.GetGlobal("err").(*lua.LTable)
	require.True(t, ok, "the error is a table")
	errv.ForEach(func(k, _ lua.LValue) {
		assert.Contains(t, declared, k.String(), "error field")
	})
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 && !unicode.IsUpper(rune(s[i-1])) {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestDefsAreDeterministic(t *testing.T) {
	t.Parallel()
	assert.Equal(t, string(defs()), string(GenerateDefs()))
}

func TestTaskMatchesTheBindings(t *testing.T) {
	t.Parallel()
	if _, ok := bindings.Lookup("fly.spawn"); !ok {
		t.Skip("the registry has no fly.spawn")
	}
	L := lua.NewState()
	defer L.Close()
	_, err := bindings.Open(L, bindings.Config{})
	require.NoError(t, err)
	require.NoError(t, L.DoString(`task = fly.spawn(function() return 1 end)`))
	methods, ok := L.GetField(L.GetMetatable(L.GetGlobal("task")), "__index").(*lua.LTable)
	require.True(t, ok, "a task's methods are its metatable's __index")
	var keys []string
	methods.ForEach(func(k, _ lua.LValue) { keys = append(keys, k.String()) })
	assert.ElementsMatch(t, keys, declaredFields(strings.Split(string(defs()), "\n"))[taskClass],
		"a task's methods and the fly.Task class")
}

func TestParallelErrorMatchesTheBindings(t *testing.T) {
	t.Parallel()
	if _, ok := bindings.Lookup("fly.parallel"); !ok {
		t.Skip("the registry has no fly.parallel")
	}
	L := lua.NewState()
	defer L.Close()
	_, err := bindings.Open(L, bindings.Config{App: "web"})
	require.NoError(t, err)
	require.NoError(t, L.DoString(`ok, err = pcall(fly.parallel, {"148e"}, function(id) return fly.machines.get(id) end)`))
	assert.Equal(t, lua.LFalse, L.GetGlobal("ok"))
	errv, ok := L.GetGlobal("err").(*lua.LTable)
	require.True(t, ok, "the error is a table")
	declared := declaredFields(strings.Split(string(defs()), "\n"))[errorClass]
	errv.ForEach(func(k, _ lua.LValue) {
		name := k.String()
		assert.True(t, contains(declared, name) || contains(declared, name+"?"), "error field %s is not declared", name)
	})
	assert.Contains(t, declared, "errors?")
}

// TestDefsTypeByteFieldsAsTheBindingsTakeThem checks that a byte field of a
// request is declared as an array of integers or a string (the bindings
// take both), and a byte field of an answer as the array scripts get.
func TestDefsTypeByteFieldsAsTheBindingsTakeThem(t *testing.T) {
	src := string(defs())
	for _, want := range []string{
		"---@field plaintext? integer[]|string",
		"---@field signature? integer[]|string",
		"---@field value? integer[]|string",
	} {
		assert.Contains(t, src, want)
	}
	assert.Regexp(t, `(?m)^---@field signature integer\[\]$`, src, "an answer's byte field is an array")
	assert.NotRegexp(t, `(?m)^---@field public_key integer\[\]\|string`, src, "answers are not given as strings")
}

// TestCreatedAppIsDocumented checks the type fly.apps.create returns: in
// the definitions, as a class extending the answer with name, and in help.
func TestCreatedAppIsDocumented(t *testing.T) {
	src := string(defs())
	assert.Contains(t, src, "---@class fly.CreatedApp : fly.CreateAppResponse\n---@field name string")
	doc, ok := TypeDoc("fly.CreatedApp")
	require.True(t, ok)
	assert.Contains(t, doc, "created_at: integer")
	assert.Contains(t, doc, "name: string")
}
