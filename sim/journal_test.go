package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withoutSync skips fsync: tests check what is written, not the disk.
func withoutSync() Option { return func(cfg *config) { cfg.noSync = true } }

// withJournalMin makes compaction happen once the journal passes n bytes.
func withJournalMin(n int64) Option { return func(cfg *config) { cfg.journalMin = n } }

// checkJournal makes s check, after each write, that its files load into
// exactly the state in memory.
func checkJournal(t testing.TB, s *Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.store == nil {
		return
	}
	s.verify = func(gen int64) {
		if s.gen != gen { // changed again since: the next write checks
			return
		}
		w, _, err := readState(s.store.path)
		if err != nil {
			t.Errorf("the state written at generation %d does not load: %v", gen, err)
			return
		}
		if diff := worldDiff(s.w, w); diff != "" {
			t.Errorf("the state written at generation %d differs from memory: %s", gen, diff)
		}
	}
}

// worldDiff names the first object that differs between two worlds, as
// their JSON shows them.
func worldDiff(mem, disk *world) string {
	norm := func(w *world) map[string]any {
		j := w.Journal
		w.Journal = 0
		b, err := json.Marshal(w)
		w.Journal = j
		if err != nil {
			panic(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			panic(err)
		}
		return m
	}
	a, b := norm(mem), norm(disk)
	for _, k := range sortedKeys(a) {
		am, aok := a[k].(map[string]any)
		bm, bok := b[k].(map[string]any)
		if !aok || !bok {
			if !reflect.DeepEqual(a[k], b[k]) {
				return fmt.Sprintf("$.%s: memory %v, disk %v", k, a[k], b[k])
			}
			continue
		}
		for _, id := range sortedKeys(am) {
			if !reflect.DeepEqual(am[id], bm[id]) {
				mj, _ := json.Marshal(am[id])
				dj, _ := json.Marshal(bm[id])
				return fmt.Sprintf("$.%s[%q]:\nmemory %s\ndisk   %s", k, id, mj, dj)
			}
		}
		for _, id := range sortedKeys(bm) {
			if _, ok := am[id]; !ok {
				return fmt.Sprintf("$.%s[%q]: on disk, not in memory", k, id)
			}
		}
	}
	return ""
}

// TestJournalWriteDoesNotGrowWithState: a change appends one line that
// holds the objects it touched, whatever the number of machines.
func TestJournalWriteDoesNotGrowWithState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.s.mu.Lock()
	h.s.verify = nil // reloading after each write would make this test quadratic
	h.s.mu.Unlock()
	h.app("web")
	lineAfter := func() int {
		before, err := os.Stat(journalPath(path))
		require.NoError(t, err)
		h.machine("web", nil)
		after, err := os.Stat(journalPath(path))
		require.NoError(t, err)
		return int(after.Size() - before.Size())
	}
	first := lineAfter()
	for range 500 {
		h.machine("web", nil)
	}
	last := lineAfter()
	assert.Greater(t, first, 0)
	assert.InDelta(t, first, last, float64(first)/10, "a create writes %d bytes with 1 machine, %d with 501", first, last)
}

// TestJournalCompacts: the journal is folded into the snapshot once it has
// outgrown it, and the state survives many compactions.
func TestJournalCompacts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()), withJournalMin(4096))
	h.app("web")
	var ids []string
	for range 60 {
		ids = append(ids, h.machine("web", nil))
	}
	fi, err := os.Stat(journalPath(path))
	require.NoError(t, err)
	snap, err := os.Stat(path)
	require.NoError(t, err)
	assert.LessOrEqual(t, fi.Size(), max(snap.Size(), 4096)+4096, "the journal is compacted")
	h.s.Close()
	s2 := New(WithStateFile(path), WithClock(h.clk))
	defer s2.Close()
	require.NoError(t, s2.Err())
	assert.Len(t, s2.w.Machines, len(ids))
}

// TestJournalTornLastLine: a last line cut by a kill is dropped (it was
// never answered), the lines before it are kept, and the next write is not
// glued to the torn bytes.
func TestJournalTornLastLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.app("web")
	id := h.machine("web", nil)
	h.s.Close()
	jf, err := os.OpenFile(journalPath(path), os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = jf.WriteString(`{"n":99,"seq":40,"machines":{"ab":{"id":"ab","app":"web","sta`)
	require.NoError(t, err)
	require.NoError(t, jf.Close())

	h2 := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	require.NoError(t, h2.s.Err())
	assert.Equal(t, "started", h2.state("web", id))
	id2 := h2.machine("web", nil)
	h2.s.Close()
	s3 := New(WithStateFile(path))
	defer s3.Close()
	require.NoError(t, s3.Err())
	assert.Contains(t, s3.w.Machines, id)
	assert.Contains(t, s3.w.Machines, id2)
}

// TestJournalSkipsRecordsInSnapshot: a kill between writing a new snapshot
// and emptying the journal leaves lines the snapshot already holds; they
// are not applied again (a deletion in them would undo a later create).
func TestJournalSkipsRecordsInSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.app("web")
	id := h.machine("web", nil)
	h.s.Close() // a clean stop folds the journal into the snapshot
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	var w world
	require.NoError(t, decodeJSON(old, &w))
	// A stale line that deletes the machine, numbered as held by the snapshot.
	stale := fmt.Sprintf(`{"n":%d,"seq":1,"machines":{%q:null}}`+"\n", w.Journal, id)
	require.NoError(t, os.WriteFile(journalPath(path), []byte(stale), 0o600))
	s := New(WithStateFile(path))
	defer s.Close()
	require.NoError(t, s.Err())
	assert.Contains(t, s.w.Machines, id)
}

// TestJournalDeletionsReplay: deletions in the journal (an app with its
// machines and volumes) replay.
func TestJournalDeletionsReplay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.app("web")
	h.app("keep")
	h.machine("web", nil)
	h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": "data"})
	h.do("DELETE", "/v1/apps/web?force=true", nil)
	h.s.Close()
	s := New(WithStateFile(path))
	defer s.Close()
	require.NoError(t, s.Err())
	assert.NotContains(t, s.w.Apps, "web")
	assert.Contains(t, s.w.Apps, "keep")
	assert.Empty(t, s.w.Machines)
	assert.Empty(t, s.w.Volumes)
}

// TestStateFileInMissingFolder: refused at start, with the folder named.
func TestStateFileInMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nodir", "s.json")
	_, err := Start(WithStateFile(path))
	require.Error(t, err)
	var se *StateError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "nodir does not exist")
}

// TestWriteFailureIsReportedOnEveryRequest: once the state cannot be
// written, the request that failed and every later one answer 500 with the
// reason, and Err says it.
func TestWriteFailureIsReportedOnEveryRequest(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.app("web")
	// Make the journal unwritable: replace the open file with a closed one.
	h.s.mu.Lock()
	require.NoError(t, h.s.store.journal.Close())
	h.s.mu.Unlock()
	res := h.do("POST", "/v1/apps/web/machines", map[string]any{"config": map[string]any{"image": "nginx"}})
	assert.Equal(t, 500, res.Code)
	assert.Contains(t, res.Err(), "cannot be written")
	res = h.do("GET", "/v1/apps", nil)
	assert.Equal(t, 500, res.Code)
	assert.Contains(t, res.Err(), "cannot be written")
	require.Error(t, h.s.Err())
	assert.True(t, strings.Contains(h.s.Err().Error(), path))
}
