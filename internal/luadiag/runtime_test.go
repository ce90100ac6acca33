package luadiag

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// runScript runs src as chunk in a fresh state whose message handler calls
// Runtime and whose `error` is Error, as the VM's are, and returns the
// message of the error it raises ("" when it raises none).
func runScript(t *testing.T, chunk string, src []byte) string {
	t.Helper()
	L := lua.NewState()
	defer L.Close()
	L.SetGlobal("error", L.NewFunction(Error))
	fn, err := L.Load(bytes.NewReader(src), chunk)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	handler := L.NewFunction(func(L *lua.LState) int {
		L.Push(Runtime(L, L.Get(1)))
		return 1
	})
	L.Push(fn)
	err = L.PCall(0, 0, handler)
	if err == nil {
		return ""
	}
	return err.(*lua.ApiError).Object.String()
}

// ours lists the cases where flyscript's message says more than C Lua
// 5.1's: its words, then a hint.
var ours = map[string]string{
	"hint_global":        "hint_global.lua:1: attempt to call global 'pirnt' (a nil value) (hint: did you mean 'print'?)",
	"hint_string_method": "hint_string_method.lua:2: attempt to call method 'uper' (a nil value) (hint: did you mean 'upper'?)",
	"hint_field":         "hint_field.lua:2: attempt to index field 'machine' (a nil value) (hint: did you mean 'machines'?)",
	"hint_concat_field":  "hint_concat_field.lua:2: attempt to concatenate field 'nmae' (a nil value) (hint: did you mean 'name'?)",
	"hint_synonym":       "hint_synonym.lua:2: attempt to call field 'delete' (a nil value) (hint: did you mean 'destroy'?)",
}

// TestRuntimeMatchesLua51 runs every case of testdata/runtime and checks
// that the error message is C Lua 5.1's, word for word.
func TestRuntimeMatchesLua51(t *testing.T) {
	want := recordings(t, "runtime")
	files, _ := filepath.Glob("testdata/runtime/*.lua")
	if len(files) < 40 {
		t.Fatalf("%d runtime cases, want at least 40", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if want[name] == "" {
				t.Fatalf("no recording for %s", name)
			}
			exp, ok := ours[name]
			if !ok {
				exp = want[name]
			} else if !strings.HasPrefix(exp, want[name]+" (hint: ") {
				t.Fatalf("ours must be C Lua's message and a hint: %q, %q", exp, want[name])
			}
			if got := runScript(t, name+".lua", src); got != exp {
				t.Errorf("got  %q\nwant %q", got, exp)
			}
		})
	}
}

// TestFramePCMatchesCurrentLine checks the one private field luadiag
// reads (Debug.frame.Pc, see framePC) against what gopher-lua reports
// publicly: the instruction before Pc is on CurrentLine. It also pins the
// gopher-lua version the accessor was checked with.
func TestFramePCMatchesCurrentLine(t *testing.T) {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/yuin/gopher-lua" && dep.Version != "v1.1.2" {
				t.Fatalf("gopher-lua %s: check framePC against its callFrame, then update this test", dep.Version)
			}
		}
	}
	L := lua.NewState()
	defer L.Close()
	checked := 0
	L.SetGlobal("probe", L.NewFunction(func(L *lua.LState) int {
		dbg, _ := L.GetStack(1)
		if _, err := L.GetInfo("Slf", dbg, lua.LNil); err != nil {
			t.Fatal(err)
		}
		pc, ok := framePC(dbg)
		if !ok {
			t.Fatal("framePC cannot read the program counter")
		}
		f, ok := luaFrame(L, 1)
		if !ok || f.pc != pc-1 {
			t.Fatalf("luaFrame pc %d, framePC %d", f.pc, pc)
		}
		if line := f.fn.Proto.DbgSourcePositions[f.pc]; line != dbg.CurrentLine {
			t.Errorf("instruction %d is on line %d, CurrentLine is %d", f.pc, line, dbg.CurrentLine)
		}
		if op := opcode(f.inst()); op != lua.OP_CALL && op != lua.OP_TAILCALL {
			t.Errorf("instruction %d is opcode %d, want a call", f.pc, op)
		}
		checked++
		return 0
	}))
	if err := L.DoString("probe()\nlocal x = 1\n\nprobe(x)\nlocal function f() probe() end\nf()"); err != nil {
		t.Fatal(err)
	}
	if checked != 3 {
		t.Fatalf("probe ran %d times, want 3", checked)
	}
}

// TestRuntimeLeavesOtherErrorsAlone: values that are not strings, errors
// raised by Go functions and messages gopher-lua did not write pass
// through unchanged.
func TestRuntimeLeavesOtherErrorsAlone(t *testing.T) {
	cases := map[string]string{
		"error('attempt to call a non-function object', 0)": "attempt to call a non-function object",
		"error('plain')":    "x:1: plain",
		"error({code = 1})": "table",
		"local t = setmetatable({}, {__index = function(t, k) error('no ' .. k, 2) end})\nreturn t.foo": "x:2: no foo",
		"string.rep()": "x:1: bad argument #1 to rep (string expected, got nil)",
	}
	for src, want := range cases {
		got := runScript(t, "x", []byte(src))
		if strings.HasPrefix(got, "table: ") {
			got = "table"
		}
		if got != want {
			t.Errorf("%s:\n got  %q\n want %q", src, got, want)
		}
	}
}
