package stdlib_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/luadiag"

	embedded "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/stdlib"
)

// vm is a Lua state with the host modules, writing into buffers.
type vm struct {
	L      *lua.LState
	stdout bytes.Buffer
	stderr bytes.Buffer
}

// testEnv is the environment every test VM sees.
var testEnv = map[string]string{"FLY_APP_NAME": "web", "EMPTY": ""}

func newVM(t testing.TB, cfg stdlib.Config) *vm {
	t.Helper()
	v := &vm{L: lua.NewState()}
	t.Cleanup(v.L.Close)
	if cfg.Stdout == nil {
		cfg.Stdout = &v.stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = &v.stderr
	}
	if cfg.Getenv == nil {
		cfg.Getenv = func(k string) (string, bool) { s, ok := testEnv[k]; return s, ok }
	}
	require.NoError(t, stdlib.Open(v.L, cfg))
	v.L.SetGlobal("error", v.L.NewFunction(luadiag.Error)) // the VM's error (internal/lua51), with the Lua 5.1 levels the embedded modules count on
	embedded.Preload(v.L)
	return v
}

// eval runs `return <expr>` and gives the single result.
func (v *vm) eval(t testing.TB, expr string) lua.LValue {
	t.Helper()
	require.NoError(t, v.L.DoString("return "+expr))
	r := v.L.Get(-1)
	v.L.Pop(1)
	return r
}

// fails runs code and returns the message of the error it raises.
func (v *vm) fails(t testing.TB, code string) string {
	t.Helper()
	err := v.L.DoString(code)
	require.Error(t, err, code)
	var ae *lua.ApiError
	require.ErrorAs(t, err, &ae)
	return ae.Object.String()
}

// TestLuaSuites runs every testdata/*.lua file in a fresh VM, inside a
// synctest bubble so that time.sleep takes no real time and the clock
// starts at 2000-01-01T00:00:00Z. The files use the assert module.
func TestLuaSuites(t *testing.T) {
	files, err := filepath.Glob("testdata/*.lua")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".lua"), func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			synctest.Test(t, func(t *testing.T) {
				v := newVM(t, stdlib.Config{LogLevel: "debug"})
				fn, err := v.L.Load(bytes.NewReader(src), file)
				require.NoError(t, err)
				v.L.Push(fn)
				err = v.L.PCall(0, 0, nil)
				require.NoError(t, err, "stdout:\n%s\nstderr:\n%s", v.stdout.String(), v.stderr.String())
			})
		})
	}
}

func TestOpenRejectsBadLogLevel(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	err := stdlib.Open(L, stdlib.Config{LogLevel: "verbose"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown log level "verbose"`)
	assert.Equal(t, err.Error(), stdlib.CheckLogLevel("verbose").Error())
	for _, ok := range []string{"", "debug", "INFO", "warn", "warning", "error", "off"} {
		assert.NoError(t, stdlib.CheckLogLevel(ok), ok)
	}
}

func TestModulesAreGlobalsAndRequirable(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	for _, m := range []string{"json", "time", "log", "env"} {
		assert.Equal(t, lua.LTrue, v.eval(t, m+" == require('"+m+"')"), m)
	}
	assert.Equal(t, lua.LString("function"), v.eval(t, "type(inspect)"))
}

// TestFuncsMatchRegistered holds the documented list against what Open
// really registers, both ways.
func TestFuncsMatchRegistered(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	documented := map[string]bool{}
	for _, f := range stdlib.Funcs() {
		documented[f.Name] = true
		assert.NotEmpty(t, f.Doc, f.Name)
		parts := strings.Split(f.Name, ".")
		var val lua.LValue = v.L.GetGlobal(parts[0])
		if len(parts) == 2 {
			val = v.L.GetField(val, parts[1])
		}
		assert.Equal(t, lua.LTFunction, val.Type(), "%s is documented but not registered", f.Name)
	}
	for _, m := range []string{"json", "time", "log", "env"} {
		v.L.GetGlobal(m).(*lua.LTable).ForEach(func(k, val lua.LValue) {
			if val.Type() == lua.LTFunction {
				assert.True(t, documented[m+"."+k.String()], "%s.%s is registered but not documented", m, k)
			}
		})
	}
	for _, g := range []string{"inspect", "print", "pcall", "xpcall"} {
		assert.True(t, documented[g], g)
	}
	assert.True(t, documented["os.exit"])
	for _, val := range stdlib.Values() {
		parts := strings.Split(val.Name, ".")
		assert.NotEqual(t, lua.LNil, v.L.GetField(v.L.GetGlobal(parts[0]), parts[1]), val.Name)
	}
}

func TestPrintWritesToStdoutThroughRedact(t *testing.T) {
	v := newVM(t, stdlib.Config{Redact: func(s string) string { return strings.ReplaceAll(s, "sekrit", "[redacted]") }})
	require.NoError(t, v.L.DoString(`
		print("a", 1, 2.5, nil, true)
		print(setmetatable({}, {__tostring = function() return "<rec>" end}))
		print("token sekrit")
		print()
	`))
	assert.Equal(t, "a\t1\t2.5\tnil\ttrue\n<rec>\ntoken [redacted]\n\n", v.stdout.String())
}

func TestArgumentErrorsNameTheFunction(t *testing.T) {
	v := newVM(t, stdlib.Config{})
	cases := map[string]string{
		`json.decode(nil)`:               `json.decode: bad argument #1 (string expected, got nil)`,
		`json.decode({})`:                `json.decode: bad argument #1 (string expected, got table)`,
		`json.encode()`:                  `json.encode: bad argument #1 (value expected)`,
		`json.encode({}, 3)`:             `json.encode: bad argument #2 (table expected, got number)`,
		`json.encode({}, {indnet = 2})`:  `json.encode: unknown option "indnet" (did you mean "indent"?)`,
		`json.array(3)`:                  `json.array: bad argument #1 (table expected, got number)`,
		`time.sleep()`:                   `time.sleep: bad argument #1 (duration expected, got no value)`,
		`time.sleep("soon")`:             `time.sleep: invalid duration "soon"`,
		`time.since({})`:                 `time.since: bad argument #1 (number or timestamp string expected, got table)`,
		`time.format(0, {})`:             `time.format: bad argument #2 (layout string expected, got table)`,
		`env.get()`:                      `env.get: bad argument #1 (string expected, got nil)`,
		`env.get("X", {})`:               `env.get: bad argument #2`,
		`log.info()`:                     `log.info: bad argument #1 (message expected, got no value)`,
		`log.warn("m", 5)`:               `log.warn: bad argument #2 (table expected, got number)`,
		`log.enabled("loud")`:            `log.enabled: unknown level "loud"`,
		`inspect(1, {deep = 1})`:         `inspect: unknown option "deep" (did you mean "depth"?)`,
		`inspect(1, {depth = 1.5})`:      `inspect: depth: expected a whole number, got 1.5`,
		`os.exit("x")`:                   `os.exit: bad argument #1 (number or boolean expected, got string)`,
		`time.parse("yesterday")`:        `time.parse: cannot parse "yesterday"`,
		`time.parse_duration(-1)`:        `time.parse_duration: invalid duration -1: must not be negative`,
		`json.encode(0/0)`:               `json.encode: cannot encode nan (JSON has no NaN or infinity)`,
		`json.encode(1, {indent = "x"})`: `json.encode: indent: expected spaces or tabs, got "x"`,
	}
	for code, want := range cases {
		msg := v.fails(t, code)
		assert.Contains(t, msg, want, code)
		assert.True(t, strings.HasPrefix(msg, "<string>:1: "), "%s: error should point at the caller: %s", code, msg)
	}
}
