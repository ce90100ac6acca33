package bench

import (
	"context"
	"io"
	"runtime"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/stdlib"
)

// vmBatch is how many VMs each iteration of BenchmarkVMHeap keeps alive at
// once before it reads the heap.
const vmBatch = 50

// BenchmarkVMHeap is measurement 5, the cost of a VM for embedders: the heap
// that one VM keeps alive, measured with runtime.MemStats after a GC around
// the creation of vmBatch VMs that are all still referenced, and reported
// as heap-B/vm; alloc-B/vm is what creating one allocates in all (garbage
// included) and ns/vm its time (ns/op and B/op are per batch). impl=bare is gopher-lua's
// lua.NewState(); impl=stdlib adds the host modules (stdlib.Open);
// impl=flyscript is flyscript.New with a client: the fly module, the host
// modules and the embedded Lua modules; impl=flyscript-machines is the same
// VM after a script's first use of fly.machines (namespaces are built on
// first access). Target (issue 19): flyscript <= 1.2x bare.
func BenchmarkVMHeap(b *testing.B) {
	c := newClient(b, "http://127.0.0.1:1")
	impls := []struct {
		name string
		make func(b *testing.B) func()
	}{
		{"impl=bare", func(b *testing.B) func() {
			L := lua.NewState()
			return L.Close
		}},
		{"impl=stdlib", func(b *testing.B) func() {
			L := lua.NewState()
			if err := stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
				b.Fatal(err)
			}
			return L.Close
		}},
		{"impl=flyscript", func(b *testing.B) func() {
			vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithApp(benchApp))
			if err != nil {
				b.Fatal(err)
			}
			return vm.Close
		}},
		{"impl=flyscript-machines", func(b *testing.B) func() {
			vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithApp(benchApp))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := vm.Eval(context.Background(), "return fly.machines.get ~= nil"); err != nil {
				b.Fatal(err)
			}
			return vm.Close
		}},
	}
	for _, impl := range impls {
		b.Run(impl.name, func(b *testing.B) {
			closers := make([]func(), 0, vmBatch)
			var heap, alloc, vms uint64
			var before, after runtime.MemStats
			for b.Loop() {
				b.StopTimer()
				settle()
				runtime.ReadMemStats(&before)
				b.StartTimer()
				for range vmBatch {
					closers = append(closers, impl.make(b))
				}
				b.StopTimer()
				settle()
				runtime.ReadMemStats(&after)
				heap += after.HeapAlloc - before.HeapAlloc
				alloc += after.TotalAlloc - before.TotalAlloc
				vms += vmBatch
				for _, c := range closers {
					c()
				}
				clear(closers) // let the closed VMs go before the next batch
				closers = closers[:0]
				b.StartTimer()
			}
			b.ReportMetric(float64(heap)/float64(vms), "heap-B/vm")
			b.ReportMetric(float64(alloc)/float64(vms), "alloc-B/vm")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(vms), "ns/vm")
		})
	}
}

// settle runs the garbage collector twice, so that objects parked in
// sync.Pools by the previous batch (kept for one extra cycle in the pools'
// victim caches) are gone before the heap is read.
func settle() {
	runtime.GC()
	runtime.GC()
}

// BenchmarkNewEmptyChunk is what `flyscript -e ""` does after the process
// has started: a VM with a client (flyscript.New), the empty chunk, Close.
// Warm, so it is a lower bound of the same work in a fresh process.
func BenchmarkNewEmptyChunk(b *testing.B) {
	c, err := client.New(client.WithToken("bench-token"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		vm, err := flyscript.New(flyscript.WithClient(c), flyscript.WithStdout(io.Discard))
		if err != nil {
			b.Fatal(err)
		}
		if err := vm.RunSource(context.Background(), "=(command line)", nil); err != nil {
			b.Fatal(err)
		}
		vm.Close()
	}
}
