package editdist

import "testing"

func TestDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"machine", "machines", 1},
		{"lsit", "list", 1}, // a swap counts once
		{"pirnt", "print", 1},
		{"fromat", "format", 1},
		{"abc", "", 3},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"concurency", "concurrency", 1},
	}
	for _, c := range cases {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"sim", "test", "plan"}
	for _, c := range []struct{ s, want string }{{"tset", "test"}, {"pln", "plan"}, {"deploy", ""}, {"sim", "sim"}} {
		if got := Nearest(c.s, cands, 2); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}
