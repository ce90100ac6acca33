package termtext

import "testing"

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"web-1":             "web-1",
		"web\x1b[2J-1":      `web\027[2J-1`,
		"a\r\nb\tc\x00\x7f": `a\013\010b\009c\000\127`,
		"é ✓":               "é ✓",
		"\u0085":            `\133`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}
