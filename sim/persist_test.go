package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPersistence(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	h := newHarness(t, WithStateFile(path))
	require.NoError(t, h.s.Err())
	h.app("web")
	id := h.started("web")
	other := h.machine("web", nil) // still launching when the simulator stops
	h.ok("POST", "/v1/apps/web/machines/"+id+"/metadata/role", map[string]any{"value": "db"})
	h.ok("POST", "/v1/apps/web/secrets/TOKEN", map[string]any{"value": "abc"})
	vol := h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "data"}).JSON()["id"].(string)
	before := h.ok("GET", "/v1/apps/web/machines/"+id, nil).JSON()
	h.s.Close()

	// Every write left a complete file.
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, json.Valid(b))

	// A killed write leaves a temporary file behind; it does not matter.
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".state.json.tmp-123"), []byte(`{"format":1,"apps":{"tru`), 0o600))

	h2 := &harness{t: t, clk: h.clk}
	h2.s = New(WithClock(h.clk), WithStateFile(path))
	t.Cleanup(h2.s.Close)
	require.NoError(t, h2.s.Err())
	after := h2.ok("GET", "/v1/apps/web/machines/"+id, nil).JSON()
	assert.Equal(t, before, after)
	assert.Equal(t, "db", h2.ok("GET", "/v1/apps/web/machines/"+id+"/metadata/role", nil).JSON()["value"])
	assert.Equal(t, "abc", h2.ok("GET", "/v1/apps/web/secrets/TOKEN?show_secrets=true", nil).JSON()["value"])
	h2.ok("GET", "/v1/apps/web/volumes/"+vol, nil)
	_, err = os.Stat(filepath.Join(dir, ".state.json.tmp-123"))
	assert.True(t, os.IsNotExist(err), "stale temporary file removed")

	// The launch in flight resumes.
	assert.Equal(t, "created", h2.state("web", other))
	h2.settle()
	assert.Equal(t, "started", h2.state("web", other))

	// New identifiers do not collide with loaded ones.
	third := h2.machine("web", nil)
	assert.NotEqual(t, id, third)
	assert.NotEqual(t, other, third)
}

func TestPersistenceFileAlwaysLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path))
	h.app("web")
	for i := 0; i < 20; i++ {
		id := h.machine("web", nil)
		h.settle()
		w, _, err := readState(path)
		require.NoError(t, err, "after machine %d", i)
		require.Contains(t, w.Machines, id)
	}
}

func TestPersistenceBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	garbage := []byte(`{"format":1,"apps":{"web":{"na`)
	require.NoError(t, os.WriteFile(path, garbage, 0o600))
	h := newHarness(t, WithStateFile(path))
	require.Error(t, h.s.Err())
	assert.Contains(t, h.s.Err().Error(), "state file")
	// The simulator still answers, starts empty and never overwrites the file.
	h.app("web")
	h.s.Close()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, garbage, b)
	_, err = Start(WithStateFile(path))
	assert.Error(t, err)
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	require.NoError(t, writeFileAtomic(path, []byte("one"), true))
	require.NoError(t, writeFileAtomic(path, []byte("two"), true))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "two", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left")
	assert.Error(t, writeFileAtomic(filepath.Join(dir, "missing", "f.json"), []byte("x"), true))
}
