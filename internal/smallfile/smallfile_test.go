//go:build unix

package smallfile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(small, 3); err != nil || string(b) != "abc" {
		t.Errorf("Read(small, 3) = %q, %v", b, err)
	}
	if _, err := Read(small, 2); err == nil || err.Error() != "larger than 2 bytes (3)" {
		t.Errorf("Read(small, 2) error = %v", err)
	}
	if _, err := Read(filepath.Join(dir, "none"), 3); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v, want os.ErrNotExist", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, kind := range map[string]string{fifo: "a named pipe", os.DevNull: "a device", dir: "a directory"} {
		_, err := Read(path, 1<<20)
		if !errors.Is(err, ErrNotRegular) || err.Error() != "not a regular file ("+kind+")" {
			t.Errorf("Read(%s) error = %v", path, err)
		}
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(link, 3); err != nil || string(b) != "abc" {
		t.Errorf("through a link: %q, %v", b, err)
	}
}

func TestReason(t *testing.T) {
	_, err := os.Open(filepath.Join(t.TempDir(), "none"))
	if got := Reason(err); got.Error() != "no such file or directory" {
		t.Errorf("Reason = %q", got)
	}
	plain := errors.New("plain")
	if Reason(plain) != plain {
		t.Error("Reason changed an error that is no *os.PathError")
	}
}
