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
