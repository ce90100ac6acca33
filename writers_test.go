package flyscript

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

type panickingWriter struct{}

func (panickingWriter) Write([]byte) (int, error) { panic("writer bug") }

// A writer that panics does not crash the host when the VM writes to it
// from a goroutine of its own: the spinner of a wait (WithProgress) killed
// the process with "panic: writer bug".
func TestPanickingWriterDoesNotCrashTheHost(t *testing.T) {
	srv, err := sim.Start()
	require.NoError(t, err)
	defer srv.Close()
	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"))
	require.NoError(t, err)
	defer c.CloseIdleConnections()
	vm, _, _ := newVM(t, WithClient(c), WithProgress(true), WithStderr(panickingWriter{}))
	// The spinner draws its first frame after 100 ms: a wait of 300 ms.
	err = vm.RunSource(t.Context(), "wait.lua", []byte(`fly.apps.create{ name = "web", org_slug = "personal" } fly.use("web")
		local m = fly.machines.create{ config = { image = "sim-slow" } }
		local ok, err = pcall(fly.machines.wait, m, "started", { timeout = 0.3 })
		assert(not ok)
		assert(io.stderr:write("x"))`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the writer panicked: writer bug", "io.stderr:write's error, raised by the script's assert")
}

// Writes through the guard go one at a time (run with -race), and a writer
// given as stdout and stderr gets one guard.
func TestGuardedWritersSerialize(t *testing.T) {
	var buf bytes.Buffer
	cfg := config{stdout: &buf, stderr: &buf}
	cfg.guardWriters()
	require.Same(t, cfg.stdout, cfg.stderr)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = cfg.stdout.Write([]byte("x"))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, strings.Repeat("x", 800), buf.String())

	cfg = config{stdout: sliceWriter{}, stderr: sliceWriter{}}
	cfg.guardWriters() // does not panic comparing them
	assert.NotSame(t, cfg.stdout, cfg.stderr)
}

// sliceWriter is a writer whose values cannot be compared.
type sliceWriter []byte

func (sliceWriter) Write(p []byte) (int, error) { return len(p), nil }
