package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/flyscript/flyscript/internal/smallfile"
)

// stateFormat is the version of the state file's layout.
const stateFormat = 1

// openStore loads the state file and its journal, if they exist, checks
// them, and writes a fresh snapshot at once: that proves the folder is
// writable before any request is answered, and drops a journal line a kill
// cut short. A file that does not load is a *StateError and is never
// written. Temporary files of an interrupted write are removed.
func (s *Server) openStore() error {
	// A state file linked from elsewhere stays a link: the snapshot is
	// written over what it points to, and the journal sits beside that.
	if real, err := filepath.EvalSymlinks(s.cfg.statePath); err == nil {
		s.cfg.statePath = real
	}
	path := s.cfg.statePath
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return &StateError{File: path, Problem: fmt.Sprintf("the folder %s does not exist; create it first", dir)}
	}
	s.removeTemps()
	w, last, err := readState(path)
	if err != nil {
		return err
	}
	for slug, o := range s.w.Orgs { // organisations given by option win
		w.Orgs[slug] = o
	}
	for name, a := range s.w.Apps {
		if _, ok := w.Apps[name]; !ok {
			w.Apps[name] = a
		}
	}
	jf, err := os.OpenFile(journalPath(path), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("sim: state file %s: cannot open its journal: %w", path, err)
	}
	st := &store{path: path, journal: jf, n: last, dirty: map[objKey]struct{}{}, sync: !s.cfg.noSync, min: s.cfg.journalMin}
	if st.min == 0 {
		st.min = journalMin
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
	s.store = st
	// A new stream of identifiers, so that new ones differ from the loaded.
	s.ids = newIDs(s.cfg.seed ^ (w.Seq * 7919))
	s.resumeTransitions()
	snap, err := s.snapshot()
	if err == nil {
		err = st.compact(snap)
	}
	if err != nil {
		_ = jf.Close()
		s.store = nil
		return fmt.Errorf("sim: state file %s cannot be written: %w", path, err)
	}
	clear(st.dirty)
	s.savedGen = s.gen
	return nil
}

// maxStateFile bounds the snapshot and the journal read at start: a state
// of 10,000 machines is a few tens of MB.
const maxStateFile = 1 << 30

// readState reads the snapshot and replays the journal on it; last is the
// number of the last record applied. Missing files are an empty world.
func readState(path string) (w *world, last int64, err error) {
	w = newWorld()
	b, err := smallfile.Read(path, maxStateFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case errors.Is(err, smallfile.ErrNotRegular):
		return nil, 0, &StateError{File: path, Problem: err.Error() + ": name a regular file, or one that does not exist yet"}
	case err != nil:
		return nil, 0, fmt.Errorf("sim: read state file: %w", err)
	case len(strings.TrimSpace(string(b))) == 0:
		return nil, 0, &StateError{File: path, Problem: "the file is empty; remove it to start afresh"}
	default:
		if err := decodeChecked(path, "", b, w); err != nil {
			return nil, 0, err
		}
		if w.Format != stateFormat {
			return nil, 0, &StateError{File: path, Where: "$.format", Problem: fmt.Sprintf("format %d, this simulator reads format %d", w.Format, stateFormat)}
		}
	}
	fixMaps(w)
	last = w.Journal
	defer func() {
		if w != nil {
			w.Journal = 0
		}
	}()
	jpath := journalPath(path)
	jb, err := smallfile.Read(jpath, maxStateFile)
	if errors.Is(err, smallfile.ErrNotRegular) {
		return nil, 0, &StateError{File: jpath, Problem: err.Error() + ": the journal must be a regular file"}
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, fmt.Errorf("sim: read state journal: %w", err)
	}
	lines, _ := splitJournal(jb) // a torn last line was never answered
	for i, line := range lines {
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		var rec journalRecord
		if err := decodeChecked(jpath, fmt.Sprintf("line %d: ", i+1), line, &rec, "$.orgs", "$.apps", "$.machines", "$.volumes", "$.postgres"); err != nil {
			return nil, 0, err
		}
		if rec.N <= w.Journal { // already in the snapshot
			continue
		}
		if rec.N <= last {
			return nil, 0, &StateError{File: jpath, Where: fmt.Sprintf("line %d: $.n", i+1), Problem: fmt.Sprintf("record %d comes after record %d", rec.N, last)}
		}
		last = rec.N
		rec.apply(w)
		fixMaps(w)
	}
	if err := checkWorld(w); err != nil {
		err.File = path
		return nil, 0, err
	}
	return w, last, nil
}

// fixMaps gives decoded objects the empty maps the handlers expect.
func fixMaps(w *world) {
	ensureMap(&w.Orgs)
	ensureMap(&w.Apps)
	ensureMap(&w.Machines)
	ensureMap(&w.Volumes)
	ensureMap(&w.Postgres)
	for _, a := range w.Apps {
		ensureMap(&a.Secrets)
		ensureMap(&a.SecretKeys)
		ensureMap(&a.Certs)
	}
	for _, c := range w.Postgres {
		ensureMap(&c.Attached)
		ensureMap(&c.Extensions)
		ensureMap(&c.Users)
	}
}

// ensureMap makes *m an empty map if it is nil.
func ensureMap[K comparable, V any](m *map[K]V) {
	if *m == nil {
		*m = map[K]V{}
	}
}

// writeFileAtomic replaces path with data so that a crash at any moment
// leaves either the old or the new file: a temporary file (mode 0600) in the
// same directory is written and synced, renamed over path, and the directory
// is synced.
func writeFileAtomic(path string, data []byte, sync bool) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil && sync {
		_ = d.Sync()
		_ = d.Close()
	} else if derr == nil {
		_ = d.Close()
	}
	return nil
}

// removeTemps deletes the temporary files a killed write left behind.
func (s *Server) removeTemps() {
	dir, base := filepath.Split(s.cfg.statePath)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+base+".tmp-") {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
