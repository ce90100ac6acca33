package bindings

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// Filling a record's members reuses the decoders' member stacks: decoding
// an answer and then every member kept aside allocates what decoding it
// whole does, plus a few for what the records keep aside (4 at most here),
// not a stack per member on top.
func TestLazyFillReusesMemberStacks(t *testing.T) {
	if raceOn {
		t.Skip("the race detector makes sync.Pool drop items at random")
	}
	_, f := newVM(t, "http://unused.invalid", "a")
	s := LookupSchema("Machine")
	env := f.decodeEnv()
	eager := &decodeEnv{records: env.records, arrayMT: env.arrayMT}
	data := []byte(lazyMachine)
	whole := testing.AllocsPerRun(200, func() {
		if _, err := decodeJSON(data, s, eager); err != nil {
			t.Fatal(err)
		}
	})
	lazily := testing.AllocsPerRun(200, func() {
		v, err := decodeJSON(data, s, env)
		if err != nil {
			t.Fatal(err)
		}
		if err := lazy.Force(v.(*lua.LTable)); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations: whole %.0f, lazily then filled %.0f", whole, lazily)
	if lazily > whole+4 {
		t.Errorf("decoding lazily then filling allocates %.0f times, decoding whole %.0f", lazily, whole)
	}
}
