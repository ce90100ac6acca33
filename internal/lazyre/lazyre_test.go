package lazyre

import (
	"testing"
)

// The expression is compiled once, on the first call, and matches as
// regexp.MustCompile's would.
func TestNew(t *testing.T) {
	re := New(`^a(b+)$`)
	first := re()
	if first != re() {
		t.Fatal("compiled twice")
	}
	if m := first.FindStringSubmatch("abb"); len(m) != 2 || m[1] != "bb" {
		t.Fatalf("FindStringSubmatch = %q", m)
	}
}

// An invalid expression panics on first use, not when New is called.
func TestNewInvalid(t *testing.T) {
	re := New(`(`)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	re()
}
