package flyscript

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

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

type ctxService struct {
	calls atomic.Int32
	ended atomic.Value // the error Wait returned last
}

// Wait blocks until ctx ends, as a Go method watching its context does.
func (s *ctxService) Wait(ctx context.Context, what string) error {
	s.calls.Add(1)
	<-ctx.Done()
	err := fmt.Errorf("%s: %w", what, context.Cause(ctx))
	s.ended.Store(err.Error())
	return err
}

// Deadline reports whether ctx has one.
func (s *ctxService) Deadline(ctx context.Context) bool { _, ok := ctx.Deadline(); return ok }

// A Go function or method taking a context.Context first gets the running
// call's: the deadline and Close reach it, and scripts call it without that
// argument (gopher-luar wanted it from the script, which had none to give).
func TestExposedFunctionsGetTheCallsContext(t *testing.T) {
	vm, _, _ := newVM(t)
	svc := &ctxService{}
	require.NoError(t, vm.Expose("svc", svc))
	require.NoError(t, vm.Expose("sleep", func(ctx context.Context, d float64) (string, error) {
		select {
		case <-time.After(time.Duration(d * float64(time.Second))):
			return "slept", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}))
	got, err := vm.Eval(t.Context(), `sleep(0.001)`)
	require.NoError(t, err)
	assert.Equal(t, []any{"slept", nil}, got)

	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	got, err = vm.Eval(ctx, `svc:Deadline()`)
	require.NoError(t, err)
	assert.Equal(t, []any{true}, got)
	_, err = vm.Eval(ctx, `local err = svc:Wait("waiting") return err`)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "waiting: context deadline exceeded", svc.ended.Load())
	assert.Less(t, time.Since(start), 10*time.Second)

	// In a coroutine and in a fly.spawn task too.
	ctx, cancel = context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = vm.Eval(ctx, `local s, err = coroutine.wrap(function() return sleep(60) end)() return err`)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 10*time.Second)
	got, err = vm.Eval(t.Context(), `fly.spawn(function() return svc:Deadline() end):wait()`)
	require.NoError(t, err)
	assert.Equal(t, []any{false}, got)

	// Close stops a run blocked in one.
	done := make(chan error, 1)
	go func() { _, err := vm.Eval(context.Background(), `assert(not svc:Wait("closing"))`); done <- err }()
	for svc.calls.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	vm.Close()
	select {
	case err := <-done:
		require.Error(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("Close did not reach the Go method")
	}
}

type guarded struct {
	Region string
	token  string
	mu     sync.Mutex
}

func (g *guarded) Token() string { return g.token }

// returned is reached only through what a function returns.
type returned struct{ Region string }

// A script cannot replace an exposed struct as a whole: gopher-luar's
// `p ^ {...}` overwrote it, unexported fields included (the token erased,
// a held mutex unlocked). Exported fields are still the script's.
func TestExposedStructIsNotReplaced(t *testing.T) {
	vm, _, _ := newVM(t)
	g := &guarded{Region: "ord", token: "secret"}
	g.mu.Lock()
	require.NoError(t, vm.Expose("g", g))
	_, err := vm.Eval(t.Context(), `g ^ { Region = "x" }`)
	require.Error(t, err)
	// Nor one a Go function returns.
	require.NoError(t, vm.Expose("get", func() *returned { return &returned{} }))
	_, err = vm.Eval(t.Context(), `get() ^ { Region = "x" }`)
	require.Error(t, err)
	got, err := vm.Eval(t.Context(), `(function() g.Region = "ams" return g.Region, g:Token() end)()`)
	require.NoError(t, err)
	assert.Equal(t, []any{"ams", "secret"}, got)
	assert.False(t, g.mu.TryLock(), "still locked")
	// A pointer to a basic type keeps `p ^ v`.
	n := 1
	require.NoError(t, vm.Expose("n", &n))
	_, err = vm.Eval(t.Context(), `n ^ 7`)
	require.NoError(t, err)
	assert.Equal(t, 7, n)
}
