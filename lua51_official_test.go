package flyscript

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// officialSuites are the folders of test files gopher-lua's module ships:
// adapted copies of the Lua 5.1 test suite and gopher-lua's own.
var officialSuites = []string{"_lua5.1-tests", "_glua-tests"}

// officialPlainFails are the files of officialSuites that fail under plain
// gopher-lua (v1.1.2, the options of its own script test): they test what
// gopher-lua does not do (the C API, the debug library's details, the
// collector, a Lua interpreter's command line). Every other file must pass
// under flyscript. The plain run (not with -short) checks this list.
var officialPlainFails = map[string]bool{
	"_lua5.1-tests/all.lua":     true,
	"_lua5.1-tests/db.lua":      true,
	"_lua5.1-tests/errors.lua":  true,
	"_lua5.1-tests/gc.lua":      true,
	"_lua5.1-tests/main.lua":    true,
	"_lua5.1-tests/nextvar.lua": true,
}

// officialSkipped are not run at all: big.lua builds strings until memory
// runs out under plain gopher-lua, verybig.lua needs it.
var officialSkipped = map[string]bool{
	"_lua5.1-tests/big.lua":     true,
	"_lua5.1-tests/verybig.lua": true,
}

// officialLua52 are files of Lua 5.2 syntax (gopher-lua's goto and
// labels): flyscript refuses them with the syntax error C Lua 5.1 gives.
var officialLua52 = map[string]string{
	"_glua-tests/goto.lua": "goto.lua:41: '=' expected near 'l1'",
}

// officialEdit is a change made to a file before flyscript runs it: the
// file checks gopher-lua's own wording of a message, and flyscript says
// what C Lua 5.1 says.
type officialEdit struct {
	file, old, new, why string
}

var officialEdits = []officialEdit{
	{"_glua-tests/coroutine.lua", `"can not resume a dead thread"`, `"cannot resume dead coroutine"`, "C Lua 5.1's message"},
	{"_glua-tests/db.lua", `assert(debug.getinfo(1, "a") == nil)`, `assert(not pcall(debug.getinfo, 1, "a"))`, "C Lua 5.1 raises 'bad argument #2 to 'getinfo' (invalid option)' (lua5.1 stops there on this file), gopher-lua answered nil"},
	{"_glua-tests/issues.lua", `string.find(msg, "attempt to call a non-function object", 1, true)`, `string.find(msg, "attempt to call field 'notfound' (a nil value)", 1, true)`, "C Lua 5.1's message names the field"},
	{"_glua-tests/issues.lua", `"bad argument #1 to pcall"`, `"bad argument #1 to 'pcall'"`, "C Lua 5.1 quotes the function's name"},
	{"_glua-tests/math.lua", `string.find(msg, "wrong number of arguments")`, `string.find(msg, "number expected, got no value")`, "math.max() and math.min(): C Lua 5.1's message"},
	{"_glua-tests/strings.lua", `"GopherLua does not support the string.dump"`, `"unable to dump given function"`, "C Lua 5.1's message for a function it cannot dump (flyscript has no bytecode)"},
	{"_lua5.1-tests/pm.lua", "for k=i, j do; table.insert(ret, k); end", "for k=i, j do table.insert(ret, k); end", "an empty statement (do;) is Lua 5.2: C Lua 5.1 refuses the file (luac5.1 -p: pm.lua:89: unexpected symbol near ';'), and so does flyscript"},
	{"_glua-tests/strings.lua", `"hello hello %c world world %c"`, `"hello hello c world world c"`, "in a gsub replacement string, C Lua 5.1 reads %c (c not a digit) as c"},
	{"_glua-tests/vm.lua", `"__unm undefined"`, `"attempt to perform arithmetic on"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"for statement init must be a number"`, `"'for' initial value must be a number"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"for statement limit must be a number"`, `"'for' limit must be a number"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"for statement step must be a number"`, `"'for' step must be a number"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"cannot perform add operation between table and function"`, `"attempt to perform arithmetic on a table value"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"cannot perform concat operation between table and function"`, `"attempt to concatenate a table value"`, "C Lua 5.1's message"},
	{"_glua-tests/vm.lua", `"register overflow"`, `"has more than 200 local variables"`, "C Lua 5.1's syntax error for a function of 302 parameters"},
}

// TestOfficialLuaSuites runs the test files of gopher-lua's module through
// VM.Run, each in a copy of its folder made the working directory (they
// load files beside them), and checks that every file that passes under
// plain gopher-lua passes under flyscript. The plain runs, which check
// officialPlainFails, are left out with -short (they take as long as
// flyscript's, constructs.lua most).
func TestOfficialLuaSuites(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/gopher-lua").Output()
	require.NoError(t, err)
	module := strings.TrimSpace(string(out))
	// os.lua sets _____GLUATEST______ (plain gopher-lua in the process's
	// environment): flyscript's VMs get the environment without it.
	t.Setenv("_____GLUATEST______", "")
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "_____GLUATEST______=") {
			env = append(env, kv)
		}
	}
	edited, ran := map[string]bool{}, map[string]bool{}
	for _, suite := range officialSuites {
		dir := filepath.Join(t.TempDir(), suite)
		require.NoError(t, os.CopyFS(dir, os.DirFS(filepath.Join(module, suite))))
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil {
				err = os.Chmod(p, 0o755)
			}
			return err
		}))
		t.Chdir(dir)
		files, err := filepath.Glob("*.lua")
		require.NoError(t, err)
		for _, name := range files {
			file := suite + "/" + name
			if officialSkipped[file] {
				continue
			}
			t.Run(file, func(t *testing.T) {
				ran[file] = true
				if !testing.Short() {
					plainErr := runPlain(name)
					require.Equal(t, officialPlainFails[file], plainErr != nil, "plain gopher-lua: %v (officialPlainFails is out of date)", plainErr)
				}
				if officialPlainFails[file] {
					t.Skip("fails under plain gopher-lua")
				}
				src, err := os.ReadFile(name)
				require.NoError(t, err)
				for _, e := range officialEdits {
					if e.file == file {
						require.Contains(t, string(src), e.old, "edit of %s: %s", file, e.why)
						src = bytes.ReplaceAll(src, []byte(e.old), []byte(e.new))
						edited[e.file+e.old] = true
					}
				}
				require.NoError(t, os.WriteFile(name, src, 0o644))
				vm, _, _ := newVM(t, WithEnv(env))
				if want, ok := officialLua52[file]; ok {
					require.EqualError(t, vm.Run(t.Context(), name), want)
					return
				}
				require.NoError(t, vm.Run(t.Context(), name))
			})
		}
	}
	for _, e := range officialEdits {
		assert.True(t, !ran[e.file] || edited[e.file+e.old], "edit of %s not used", e.file)
	}
}

// runPlain runs a file under gopher-lua alone, as its own script test does.
func runPlain(name string) (err error) {
	L := lua.NewState(lua.Options{RegistrySize: 1024 * 20, CallStackSize: 1024, IncludeGoStackTrace: true})
	defer L.Close()
	defer func() {
		if r := recover(); r != nil {
			err = &lua.ApiError{Type: lua.ApiErrorPanic, Object: lua.LString("panic")}
		}
	}()
	return L.DoFile(name)
}
