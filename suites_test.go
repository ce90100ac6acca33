package flyscript

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLuaSuites runs the Lua-level suites in testdata/: each raises (through
// the assert module) on the first failed check and prints "<name> suite ok"
// at its end. Suites named sandbox_*.lua run under WithSandbox.
func TestLuaSuites(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "*.lua"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".lua")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			opts := []Option{WithEnv([]string{"GREETING=hello"}), WithStdin(strings.NewReader("line one\nline two\n"))}
			if strings.HasPrefix(name, "sandbox") {
				opts = append(opts, WithSandbox())
			}
			vm, out, _ := newVM(t, opts...)
			err := vm.Run(t.Context(), f, "a", "b c")
			require.NoError(t, err)
			assert.True(t, strings.HasSuffix(out.String(), " suite ok\n"), out.String())
		})
	}
}
