//go:build unix

package sim

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A state file that is no regular file is refused by name, never read:
// /dev/zero was read until the host ran out of memory, a FIFO blocked the
// start for ever.
func TestStateFileMustBeRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "state.fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for _, path := range []string{"/dev/zero", fifo} {
		done := make(chan error, 1)
		go func() {
			s := New(WithStateFile(path))
			defer s.Close()
			done <- s.Err()
		}()
		select {
		case err := <-done:
			var se *StateError
			require.ErrorAs(t, err, &se, path)
			assert.Equal(t, path, se.File)
			assert.Contains(t, se.Problem, "not a regular file", path)
		case <-time.After(10 * time.Second):
			t.Fatalf("New(WithStateFile(%q)) did not return", path)
		}
	}
}

// A state file reached through a link stays a link: the snapshot replaces
// the file it points to (it replaced the link with a regular file).
func TestStateFileThroughALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.WriteFile(real, validState(t), 0o600))
	require.NoError(t, os.Symlink(real, link))
	s := New(WithStateFile(link))
	require.NoError(t, s.Err())
	s.Close()
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.Equal(t, os.ModeSymlink, fi.Mode()&os.ModeType, "the link is still a link")
	target, err := os.Readlink(link)
	require.NoError(t, err)
	assert.Equal(t, real, target)
	_, err = os.Stat(journalPath(real))
	assert.NoError(t, err, "the journal sits beside the file the link points to")
}
