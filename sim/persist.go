package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// stateFormat is the version of the state file's layout.
const stateFormat = 1

// load reads the state file, if there is one. A missing file is an empty
// simulator; a file that does not decode is an error, and the file is then
// left alone. Temporary files of an interrupted write are removed.
func (s *Server) load() error {
	path := s.cfg.statePath
	s.removeTemps()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sim: read state file: %w", err)
	}
	w := newWorld()
	if err := decodeJSON(b, w); err != nil {
		return fmt.Errorf("sim: state file %s is not a simulator state (%v); move it away or pass another file", path, err)
	}
	if w.Format != stateFormat {
		return fmt.Errorf("sim: state file %s has format %d, this simulator reads format %d", path, w.Format, stateFormat)
	}
	for slug, o := range s.w.Orgs { // organisations given by option win
		w.Orgs[slug] = o
	}
	for name, a := range s.w.Apps {
		if _, ok := w.Apps[name]; !ok {
			w.Apps[name] = a
		}
	}
	for _, m := range w.Machines {
		if len(m.Versions) == 0 || len(m.Events) == 0 {
			return fmt.Errorf("sim: state file %s: machine %s has no version or no event", path, m.ID)
		}
	}
	fixMaps(w)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w = w
	// A new stream of identifiers, so that new ones differ from the loaded.
	s.ids = newIDs(s.cfg.seed ^ (w.Seq * 7919))
	s.resumeTransitions()
	s.savedGen = s.gen
	return nil
}

// fixMaps gives decoded objects the empty maps the handlers expect.
func fixMaps(w *world) {
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

// persist writes the state file if the state changed since the last write.
// Writes are serialised and never go backwards.
func (s *Server) persist() {
	if s.cfg.statePath == "" || s.loadErr != nil {
		return
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	gen := s.gen
	if gen == s.savedGen {
		s.mu.Unlock()
		return
	}
	b, err := json.MarshalIndent(s.w, "", " ")
	s.mu.Unlock()
	if err == nil {
		err = writeFileAtomic(s.cfg.statePath, b)
	}
	if err != nil {
		s.cfg.logger.Printf("sim: write state file: %v", err)
		return
	}
	s.mu.Lock()
	if gen > s.savedGen {
		s.savedGen = gen
	}
	s.mu.Unlock()
}

// writeFileAtomic replaces path with data so that a crash at any moment
// leaves either the old or the new file: a temporary file in the same
// directory is written and synced, renamed over path, and the directory is
// synced.
func writeFileAtomic(path string, data []byte) (err error) {
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
	if _, err = f.Write(data); err == nil {
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
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
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
