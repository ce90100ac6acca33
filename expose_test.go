package flyscript

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type errRelease struct{ Tag string }

// Check fails for a tag of "bad".
func (r *errRelease) Check() error {
	if r.Tag == "bad" {
		return fmt.Errorf("release %s: %w", r.Tag, errors.New("no such image"))
	}
	return nil
}

type errDeployer struct{ Last *errRelease }

func (d *errDeployer) Deploy(image string) (string, error) {
	if image == "" {
		return "", errors.New("no image given")
	}
	return "deployed " + image, nil
}

func (d *errDeployer) Release(tag string) *errRelease { return &errRelease{Tag: tag} }

// An error returned by an exposed Go method or function reaches Lua as its
// message, not as an opaque userdata; no error is nil.
func TestExposedErrorsAreMessages(t *testing.T) {
	t.Parallel()
	vm, out, _ := newVM(t)
	require.NoError(t, vm.Expose("d", &errDeployer{}))
	require.NoError(t, vm.Expose("check", func(n int) (int, error) {
		if n < 0 {
			return 0, errors.New("negative")
		}
		return n * 2, nil
	}))
	require.NoError(t, vm.RunSource(t.Context(), "e.lua", []byte(`
local v, err = d:Deploy("")
print(v, type(err), err)
print(d:Deploy("nginx"))
print(d:deploy("lower"))
print(check(-1))
print(check(2))
print(type(d:Release("bad"):Check()), d:Release("bad"):Check())
print(d:Release("good"):Check())
`)))
	assert.Equal(t, "\tstring\tno image given\n"+
		"deployed nginx\tnil\n"+
		"deployed lower\tnil\n"+
		"0\tnegative\n"+
		"4\tnil\n"+
		"string\trelease bad: no such image\n"+
		"nil\n", out.String())
}

// Without a client the fly functions say what an embedder must do.
func TestNoClientSpeaksToTheEmbedder(t *testing.T) {
	t.Parallel()
	vm, _, _ := newVM(t)
	err := vm.RunSource(t.Context(), "n.lua", []byte(`fly.apps.list()`))
	var se *ScriptError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, se.Message, "fly.apps.list: no API client: the program running this script created its VM without one")
	assert.NotContains(t, se.Message, "--sim", "not the command's flags")
	assert.Contains(t, se.Hint, "pass flyscript.WithClient(c) to flyscript.New")
	assert.Contains(t, se.Hint, "sim.Start()")
}

// Expose refuses a name scripts could not use as a global (it set
// _G["a.b"] and the like), and nil values of every kind are nil in Lua.
func TestExposeNamesAndNils(t *testing.T) {
	vm, _, _ := newVM(t)
	for _, name := range []string{"", "a.b", "1x", "end", "my-name", "x y"} {
		err := vm.Expose(name, 1)
		require.Error(t, err, "%q", name)
		assert.Contains(t, err.Error(), fmt.Sprintf("flyscript: Expose(%q): not a Lua name", name))
	}
	var p *deployer
	var m map[string]int
	var s []int
	var f func()
	for name, v := range map[string]any{"p": p, "m": m, "s": s, "f": f, "n": nil, "_under9": 9} {
		require.NoError(t, vm.Expose(name, v), name)
	}
	got, err := vm.Eval(t.Context(), `p == nil, m == nil, s == nil, f == nil, n == nil, _under9`)
	require.NoError(t, err)
	assert.Equal(t, []any{true, true, true, true, true, int64(9)}, got)
}
