package luadiag

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// benchSource is the embedded `fly` module's Lua, a real script body.
func benchSource(b *testing.B) []byte {
	files, _ := filepath.Glob("../../lua/fly/*.lua")
	var src []byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		src = append(append(src, "do\n"...), append(data, "\nend\n"...)...)
	}
	if len(src) == 0 {
		b.Fatal("no source")
	}
	return src
}

// BenchmarkLoadValid is gopher-lua's compile of a correct chunk: the only
// work a correct script's load does (Syntax runs on failure only).
func BenchmarkLoadValid(b *testing.B) {
	src := benchSource(b)
	L := lua.NewState()
	defer L.Close()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := L.Load(bytes.NewReader(src), "bench.lua"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckValid is the checker over the same chunk: what the error
// path adds to a load, and what running it on every load would cost.
func BenchmarkCheckValid(b *testing.B) {
	src := benchSource(b)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, msg, found := check(src); found {
			b.Fatal(msg)
		}
	}
}
