package stdlib_test

import (
	"io"
	"testing"

	lua "github.com/yuin/gopher-lua"

	embedded "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/stdlib"
)

// BenchmarkOpen measures what the host modules add to a VM (compare the
// B/op with BenchmarkBareState):
//
//	go test ./stdlib -run '^$' -bench 'Open|BareState' -benchmem
func BenchmarkOpen(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		L := lua.NewState()
		if err := stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
			b.Fatal(err)
		}
		embedded.Preload(L)
		L.Close()
	}
}

// BenchmarkBareState is the baseline of BenchmarkOpen.
func BenchmarkBareState(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		L := lua.NewState()
		L.Close()
	}
}
