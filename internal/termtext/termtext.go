// Package termtext makes text from elsewhere (the API's strings: a
// machine's name, an image, an env value) safe to print on a terminal.
// Anyone may import it; it imports nothing of the project.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
)

// Printable is s with its control characters written as Lua escapes
// (\027, \013): an escape sequence in s would otherwise redraw the screen,
// move the cursor or hide a line.
func Printable(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) && r < 0x100 {
			fmt.Fprintf(&b, "\\%03d", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
