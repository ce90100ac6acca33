package repl

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// records builds machine records the way the bindings do: tables sharing a
// metatable named fly.machine with a __tostring.
const records = `
local mt = { __name = "fly.machine", __tostring = function(m) return "<machine " .. m.id .. " " .. m.state .. ">" end }
function machine(i, state)
  return setmetatable({ id = "m" .. i, name = "web-" .. i, region = "ord", state = state, updated_at = "2026-03-01T09:00:00Z",
    version = "01V" .. i, config = { image = "nginx:1.27", guest = { cpu_kind = "shared", cpus = 1, memory_mb = 256 },
    env = { A = "1" }, services = { { internal_port = 80 } } } }, mt)
end
ms = {}
for i = 1, 20 do ms[i] = machine(i, i % 2 == 0 and "stopped" or "started") end
`

func TestListOfRecordsPrintsAsATable(t *testing.T) {
	e, out, errb := newEval(t)
	require.NoError(t, e.L.DoString(records))
	feed(t, e, "ms")
	require.Empty(t, errb.String())
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 22, "a heading, 20 rows and a footer, not a thousand lines")
	assert.Equal(t, "ID   NAME    REGION  STATE    IMAGE       UPDATED", lines[0])
	assert.Equal(t, "m1   web-1   ord     started  nginx:1.27  2026-03-01T09:00:00Z", lines[1])
	assert.Equal(t, "m20  web-20  ord     stopped  nginx:1.27  2026-03-01T09:00:00Z", lines[20])
	assert.Equal(t, "(20 machines; inspect(_) shows every field)", lines[21])
}

func TestOneRecordPrintsItsShortForm(t *testing.T) {
	e, out, _ := newEval(t)
	require.NoError(t, e.L.DoString(records))
	feed(t, e, "ms[1]")
	assert.Equal(t, `<machine m1 started>
  id          m1
  name        web-1
  state       started
  region      ord
  image       nginx:1.27
  guest       shared 1 CPU, 256 MB
  version     01V1
  updated_at  2026-03-01T09:00:00Z
(inspect(_) shows every field)
`, out.String())
}

func TestModulesAndHandlesPrintOnOneLine(t *testing.T) {
	e, out, _ := newEval(t)
	require.NoError(t, e.L.DoString(`
fly = { machines = { list = function() end, get = function() end }, use = function() end }
handle = { name = "web", machines = fly.machines, volumes = { list = function() end } }
mod = { a = function() end, null = newproxy and newproxy() or nil }`))
	e.Inspect = func(v lua.LValue) string { return stdlib.Inspect(v, stdlib.InspectOptions{}) }
	feed(t, e, "fly.machines", "handle", "mod", "{ b = function() end }", "{ 1, 2 }")
	assert.Equal(t, `<module fly.machines: get, list; help("fly.machines")>
<app handle "web": machines, volumes>
<module mod: a, null; help("mod")>
<module: b>
{ 1, 2 }
`, out.String())
}

// At the prompt inspect(x, opts) prints its text, not a quoted string.
func TestInspectAtThePromptPrints(t *testing.T) {
	e, out, _ := newEval(t)
	require.NoError(t, stdlib.Open(e.L, stdlib.Config{}))
	e.Inspect = func(v lua.LValue) string { return stdlib.Inspect(v, stdlib.InspectOptions{}) } // as the command does
	require.NoError(t, e.L.DoString(records))
	feed(t, e, `inspect(ms[1], { depth = 1 })`)
	assert.Equal(t, "{\n  config = {...},\n  id = \"m1\",\n  name = \"web-1\",\n  region = \"ord\",\n  state = \"started\",\n  updated_at = \"2026-03-01T09:00:00Z\",\n  version = \"01V1\"\n}\n", out.String())
	out.Reset()
	feed(t, e, `"inspect(x)"`, `inspect("s")`)
	assert.Equal(t, "\"inspect(x)\"\n\"s\"\n", out.String(), "other strings stay quoted; inspect's own text of a string is quoted by inspect")
}

func TestHelpShowsEverything(t *testing.T) {
	L := lua.NewState()
	t.Cleanup(L.Close)
	var out strings.Builder
	h := NewHelp([]Doc{{
		Name: "fly.machines.list", Signature: "fly.machines.list(opts?) -> machines", Summary: "List the app's machines.",
		Op:     "GET /v1/apps/{app_name}/machines",
		Params: []DocField{{Name: "opts", Type: "table", Doc: "state, region", Optional: true}},
		Options: func() []DocField {
			return []DocField{{Name: "limit", Type: "integer", Doc: "one page", Default: "100"}}
		},
		Returns: []DocField{{Name: "machines", Type: "fly.Machine[]", Doc: "the machines"}},
		Example: "fly.machines.list{ state = \"started\" }",
	}})
	handleList := L.NewFunction(func(*lua.LState) int { return 0 })
	h.FuncName = func(fn *lua.LFunction) (string, bool) { return "fly.machines.list", fn == handleList }
	h.Types = func(name string) (string, bool) {
		return "fly.MachineConfig\nFields:\n  image: string", name == "fly.MachineConfig"
	}
	h.Install(L, func(s string) { out.WriteString(s + "\n") })
	L.SetGlobal("handle_list", handleList)
	require.NoError(t, L.DoString(`help(handle_list)`))
	assert.Equal(t, `fly.machines.list(opts?) -> machines
  List the app's machines.
Parameters:
  opts?: table  state, region
Options:
  limit: integer  one page (default 100)
Returns:
  machines: fly.Machine[]  the machines
Example:
  fly.machines.list{ state = "started" }
REST: GET /v1/apps/{app_name}/machines
`, out.String())
	out.Reset()
	require.NoError(t, L.DoString(`help("fly.MachineConfig")`))
	assert.Equal(t, "fly.MachineConfig\nFields:\n  image: string\n", out.String())
}

// TestRecordsPrintNoControlCharacters: the API's strings (a machine's name,
// its image) print with their control characters escaped, so that an
// escape sequence in them cannot clear the screen or hide a row.
func TestRecordsPrintNoControlCharacters(t *testing.T) {
	e, out, _ := newEval(t)
	require.NoError(t, e.L.DoString(records))
	require.NoError(t, e.L.DoString(`ms[1].name = "web\27[2J-1"; ms[1].id = "m\r1"`))
	feed(t, e, "ms[1]", "{ms[1], ms[2]}")
	assert.NotContains(t, out.String(), "\x1b")
	assert.NotContains(t, out.String(), "\r")
	assert.Contains(t, out.String(), `<machine m\0131 started>`)
	assert.Contains(t, out.String(), `  name        web\027[2J-1`)
	assert.Contains(t, out.String(), `m\0131  web\027[2J-1  ord`)
}
