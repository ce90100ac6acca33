package lua51

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// newState is a state with the libraries of Open and a print writing to
// the returned buffer.
func newState(t testing.TB) (*lua.LState, *bytes.Buffer) {
	t.Helper()
	L := lua.NewState(Options)
	t.Cleanup(L.Close)
	out := &bytes.Buffer{}
	_, err := Open(L, Config{Stdout: out, Stderr: out, Stdin: strings.NewReader(""), Getenv: func(string) (string, bool) { return "", false }})
	require.NoError(t, err)
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		for i := 1; i <= L.GetTop(); i++ {
			if i > 1 {
				out.WriteByte('\t')
			}
			out.WriteString(ToString(L, L.Get(i)))
		}
		out.WriteByte('\n')
		return 0
	}))
	return L, out
}

// run runs src as a chunk named "test" and returns what it printed, plus
// the error message when it failed.
func run(t testing.TB, src string) string {
	t.Helper()
	L, out := newState(t)
	fn, err := Load(L, []byte(src), "test")
	if err != nil {
		return out.String() + "error: " + SyntaxMessage(err) + "\n"
	}
	if _, err := Call(L, fn, 0, nil); err != nil {
		return out.String() + "error: " + ErrorValue(err).String() + "\n"
	}
	return out.String()
}
