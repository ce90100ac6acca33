package bindings

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/openapi"
)

// Every operation of the embedded document is reachable from Lua.
func TestEveryOperationHasAFunction(t *testing.T) {
	ops, err := openapi.Operations()
	require.NoError(t, err)
	require.Len(t, ops, 100)
	served := map[string][]string{}
	for _, fn := range Registry() {
		for _, op := range fn.Ops {
			served[op] = append(served[op], fn.Name)
		}
	}
	for _, op := range ops {
		assert.NotEmpty(t, served[op.Key()], "no Lua function calls %s (%s)", op.Key(), op.OperationID)
	}
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// The registry is consistent with the document: operations exist, body
// parameters name the operation's body schema, every placeholder of the
// path is filled by a parameter (or by the app of an app-scoped function).
func TestRegistryMatchesDocument(t *testing.T) {
	ix, err := schemas()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, fn := range Registry() {
		assert.False(t, names[fn.Name], "%s listed twice", fn.Name)
		names[fn.Name] = true
		assert.True(t, strings.HasPrefix(fn.Name, "fly."), fn.Name)
		assert.NotEmpty(t, fn.Doc, fn.Name)
		for _, op := range fn.Ops {
			require.Contains(t, ix.ops, op, "%s: unknown operation %s", fn.Name, op)
		}
		if fn.impl != nil || len(fn.Ops) == 0 {
			continue
		}
		op := ix.ops[fn.Ops[0]]
		filled := map[string]bool{}
		if fn.AppScoped {
			filled["app_name"] = true
		}
		for _, p := range fn.Params {
			kind, name, _ := strings.Cut(p.In, ":")
			switch kind {
			case "path":
				filled[name] = true
			case "body":
				require.NotNil(t, op.Body, "%s: %s has no body", fn.Name, fn.Ops[0])
				if name == "" {
					assert.Equal(t, op.Body.Name, p.Schema, "%s: body schema", fn.Name)
				} else {
					assert.Contains(t, op.Body.Properties, name, "%s: body field %s", fn.Name, name)
				}
			case "query":
				assert.NotNil(t, op.paramSchema(name), "%s: query %s", fn.Name, name)
			case "opts":
				assert.True(t, fn.opts.any(), "%s: opts without options", fn.Name)
			}
		}
		for _, m := range placeholder.FindAllStringSubmatch(op.Path, -1) {
			assert.True(t, filled[m[1]], "%s: nothing fills {%s}", fn.Name, m[1])
		}
	}
}

func TestRegistryIsSortedCopy(t *testing.T) {
	fns := Registry()
	assert.True(t, sort.SliceIsSorted(fns, func(i, j int) bool { return fns[i].Name < fns[j].Name }))
	fns[0].Name = "changed"
	assert.NotEqual(t, "changed", Registry()[0].Name)
	fn, ok := Lookup("fly.machines.stop")
	require.True(t, ok)
	assert.Equal(t, []string{"POST /v1/apps/{app_name}/machines/{machine_id}/stop"}, fn.Ops)
	assert.True(t, fn.AppScoped)
}

// Options are resolved from the document plus the binding's own.
func TestOptions(t *testing.T) {
	fn, _ := Lookup("fly.machines.list")
	byName := map[string]Field{}
	for _, f := range fn.Options() {
		byName[f.Name] = f
	}
	assert.Equal(t, "string|string[]", byName["state"].Type, "a state or a list of them, checked against MachineStates")
	assert.Equal(t, "integer", byName["limit"].Type)
	assert.Equal(t, "table<string, string>", byName["metadata"].Type)
	assert.NotContains(t, byName, "metadata.{key}")

	fn, _ = Lookup("fly.apps.list")
	for _, f := range fn.Options() {
		if f.Name == "org_slug" {
			assert.Equal(t, `"personal"`, f.Default)
		}
	}
	fn, _ = Lookup("fly.machines.stop")
	var got []string
	for _, f := range fn.Options() {
		got = append(got, f.Name+":"+f.Type)
	}
	assert.Equal(t, []string{`nonce:string`, `signal:"SIGHUP"|"SIGINT"|"SIGQUIT"|"SIGKILL"|"SIGUSR1"|"SIGUSR2"|"SIGTERM"`, "timeout:duration"}, got)
}

// Every function is installed on fly, and the app-scoped ones on handles.
func TestInstalledFromRegistry(t *testing.T) {
	L, _ := newVM(t, "http://127.0.0.1:1", "web")
	for _, fn := range Registry() {
		v := evalString(t, L, "type("+fn.Name+")")
		assert.Equal(t, "function", v, fn.Name)
		if fn.AppScoped {
			assert.Equal(t, "function", evalString(t, L, `type(fly.app("other")`+strings.TrimPrefix(fn.Name, "fly")+`)`), fn.Name)
		}
	}
	assert.Equal(t, "true", evalString(t, L, `require("fly") == fly`))
	assert.Equal(t, "true", evalString(t, L, `fly.app("x") == fly.app("x")`))
	assert.Equal(t, "nil", evalString(t, L, `fly.app("x").apps`))
}
