package luadiag

import (
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// TestTracebackOfMillionsOfTailCalls: each tail call is a level of its own
// (as in C Lua), and an endless tail recursion stopped by a deadline has
// millions of them. The traceback shows its first and last levels without
// walking the others: it took seconds and gigabytes when it did.
func TestTracebackOfMillionsOfTailCalls(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	var tb string
	var took time.Duration
	L.SetGlobal("tb", L.NewFunction(func(L *lua.LState) int {
		start := time.Now()
		tb = Traceback(L, 1, func(string) bool { return false })
		took = time.Since(start)
		return 0
	}))
	src := "local n = 0\nlocal function f()\n  n = n + 1\n  if n == 6e6 then return (tb()) end\n  return f()\nend\nf()\n"
	if err := L.DoString(src); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(tb, "\n")
	if len(lines) != 1+maxTraceback+1 || lines[maxTraceback/2+1] != "\t..." {
		t.Fatalf("want the first and last %d levels around \"...\":\n%s", maxTraceback/2, tb)
	}
	if !strings.HasSuffix(tb, "\t(tail call): ?\n\t<string>:7: in main chunk") {
		t.Errorf("the last level is the main chunk:\n%s", tb)
	}
	if took > 300*time.Millisecond {
		t.Errorf("the traceback of 6 million levels took %v", took)
	}
}
