package testrun

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript"
)

// TestFuncsMatchTheGlobals holds Funcs (the documentation) against what
// install registers.
func TestFuncsMatchTheGlobals(t *testing.T) {
	vm, err := flyscript.New()
	require.NoError(t, err)
	defer vm.Close()
	f := &fileRun{vm: vm}
	f.install()
	L := vm.LState()
	var got []string
	for _, g := range Globals {
		switch v := L.GetGlobal(g).(type) {
		case *lua.LFunction:
			got = append(got, g)
		case *lua.LTable:
			v.ForEach(func(k, _ lua.LValue) { got = append(got, g+"."+k.String()) })
		default:
			t.Fatalf("global %s is a %s", g, v.Type())
		}
	}
	var want []string
	for _, fn := range Funcs() {
		want = append(want, fn.Name)
	}
	sort.Strings(got)
	require.Equal(t, want, got)
}
