package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
)

// Persistence keeps two files: the snapshot (the state file itself, the
// whole world as JSON, replaced atomically) and the journal next to it
// (<state file>.journal), one JSON line per committed change holding only
// the objects the change touched. A write appends one line and syncs it, so
// it costs the same with 10 machines as with 10,000; when the journal has
// grown larger than the snapshot (and past journalMin), the world is written
// as a new snapshot and the journal emptied: amortised, still constant.
//
// A line is applied on load only when it ends with a newline: a line cut by
// a kill was never synced, so its change was never answered, and it is
// dropped. Records are numbered; the snapshot names the last one it holds, so
// the lines of a journal that a kill left behind after a compaction are
// skipped, not applied twice.

// journalMin is the journal size below which no compaction happens.
const journalMin = 1 << 20

// objKind names a top-level map of the world.
type objKind uint8

const (
	kindOrg objKind = iota
	kindApp
	kindMachine
	kindVolume
	kindPostgres
)

type objKey struct {
	kind objKind
	id   string
}

// journalRecord is one line of the journal: the objects a change touched,
// by id, with null for an object that was deleted.
type journalRecord struct {
	N        int64                 `json:"n"`
	Seq      int64                 `json:"seq"`
	Orgs     map[string]*orgState  `json:"orgs,omitempty"`
	Apps     map[string]*app       `json:"apps,omitempty"`
	Machines map[string]*machine   `json:"machines,omitempty"`
	Volumes  map[string]*volume    `json:"volumes,omitempty"`
	Postgres map[string]*pgCluster `json:"postgres,omitempty"`
}

// touch marks an object as changed: the next journal record holds it as it
// is then (or its deletion). Called with s.mu held.
func (s *Server) touch(kind objKind, id string) {
	if s.store != nil {
		s.store.dirty[objKey{kind, id}] = struct{}{}
	}
}

// touchFor is touch for the object a request looked up: only requests that
// may change something (any method but GET and HEAD) mark it.
func (s *Server) touchFor(r *http.Request, kind objKind, id string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.touch(kind, id)
	}
}

// store is the on-disk side of WithStateFile.
type store struct {
	path     string
	journal  *os.File
	size     int64 // bytes in the journal
	snapSize int64 // bytes in the last snapshot
	n        int64 // number of the last record written
	dirty    map[objKey]struct{}
	sync     bool  // fsync every write (tests turn it off)
	err      error // the first write failure; the store writes nothing after it
	min      int64 // journal size below which no compaction happens
}

func journalPath(statePath string) string { return statePath + ".journal" }

// record gathers the changed objects into the next journal line and clears
// the marks. Called with s.mu held.
func (s *Server) record() ([]byte, error) {
	st := s.store
	st.n++
	rec := journalRecord{N: st.n, Seq: s.w.Seq}
	for k := range st.dirty {
		switch k.kind {
		case kindOrg:
			setEntry(&rec.Orgs, k.id, s.w.Orgs[k.id])
		case kindApp:
			setEntry(&rec.Apps, k.id, s.w.Apps[k.id])
		case kindMachine:
			setEntry(&rec.Machines, k.id, s.w.Machines[k.id])
		case kindVolume:
			setEntry(&rec.Volumes, k.id, s.w.Volumes[k.id])
		case kindPostgres:
			setEntry(&rec.Postgres, k.id, s.w.Postgres[k.id])
		}
	}
	clear(st.dirty)
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func setEntry[T any](m *map[string]*T, id string, v *T) {
	if *m == nil {
		*m = map[string]*T{}
	}
	(*m)[id] = v
}

// apply puts a record's objects into w.
func (rec *journalRecord) apply(w *world) {
	if rec.Seq > w.Seq {
		w.Seq = rec.Seq
	}
	applyEntries(w.Orgs, rec.Orgs)
	applyEntries(w.Apps, rec.Apps)
	applyEntries(w.Machines, rec.Machines)
	applyEntries(w.Volumes, rec.Volumes)
	applyEntries(w.Postgres, rec.Postgres)
}

func applyEntries[T any](dst, src map[string]*T) {
	for id, v := range src {
		if v == nil {
			delete(dst, id)
		} else {
			dst[id] = v
		}
	}
}

// persist writes what changed since the last write: one journal line, and
// a new snapshot when the journal has outgrown the last one. Writes are
// serialised; a request is answered only after the write that holds its
// change (route calls persist before sending the answer). After a failed
// write nothing more is written and Err reports the failure.
func (s *Server) persist() {
	st := s.store
	if st == nil {
		return
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	if st.err != nil || s.gen == s.savedGen {
		s.mu.Unlock()
		return
	}
	gen := s.gen
	line, err := s.record()
	var snap []byte
	compact := err == nil && st.size+int64(len(line)) > max(st.min, st.snapSize)
	if compact {
		snap, err = s.snapshot()
	}
	s.mu.Unlock()
	if err == nil {
		if compact {
			err = st.compact(snap)
		} else {
			err = st.append(line)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.writeFailed(err)
		return
	}
	if gen > s.savedGen {
		s.savedGen = gen
	}
	if s.verify != nil {
		s.verify(gen)
	}
}

// snapshot marshals the whole world, naming the last record it holds (in
// memory the world names none: SaveState writes it without). Called with
// s.mu held.
func (s *Server) snapshot() ([]byte, error) {
	s.w.Journal = s.store.n
	defer func() { s.w.Journal = 0 }()
	return json.MarshalIndent(s.w, "", " ")
}

// writeFailed records the first write failure: from now on nothing is
// written, and every request is answered with it. Called with s.mu held.
func (s *Server) writeFailed(err error) {
	s.store.err = fmt.Errorf("sim: state file %s cannot be written, changes from now on are not saved: %w", s.store.path, err)
	s.cfg.logger.Print(s.store.err)
}

// closeStore folds the journal into the snapshot, so that a simulator
// stopped cleanly leaves one complete file (to read or edit by hand), and
// closes the journal.
func (s *Server) closeStore() {
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.store
	if st == nil || st.journal == nil {
		return
	}
	if st.err == nil && st.size > 0 {
		snap, err := s.snapshot()
		if err == nil {
			err = st.compact(snap)
		}
		if err != nil {
			s.writeFailed(err)
		}
	}
	_ = st.journal.Close()
	st.journal = nil
}

// append writes one journal line and syncs it.
func (st *store) append(line []byte) error {
	if _, err := st.journal.Write(line); err != nil {
		return err
	}
	st.size += int64(len(line))
	if st.sync {
		return st.journal.Sync()
	}
	return nil
}

// compact replaces the snapshot and empties the journal. A kill between the
// two leaves a snapshot that names the journal's last record: those lines
// are skipped on load.
func (st *store) compact(snap []byte) error {
	if err := writeFileAtomic(st.path, snap, st.sync); err != nil {
		return err
	}
	st.snapSize = int64(len(snap))
	if err := st.journal.Truncate(0); err != nil {
		return err
	}
	if _, err := st.journal.Seek(0, 0); err != nil {
		return err
	}
	st.size = 0
	if st.sync {
		return st.journal.Sync()
	}
	return nil
}

// splitJournal cuts a journal into its complete lines; a last line without
// its newline was cut by a kill and is left out (torn reports it).
func splitJournal(b []byte) (lines [][]byte, torn bool) {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return lines, true
		}
		lines = append(lines, b[:i])
		b = b[i+1:]
	}
	return lines, false
}
