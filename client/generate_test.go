package client

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The checked-in models are what the generator writes from the embedded
// document today.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator")
	}
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	out, err := exec.CommandContext(t.Context(), "go", "run", "./internal/gen", "-dir", dir).CombinedOutput()
	require.NoError(t, err, string(out))
	for _, name := range []string{"types_gen.go", "schemas_gen_test.go"} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		got, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), "%s is stale: run go generate ./client/", name)
	}
}
