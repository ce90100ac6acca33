package stdlib

import (
	"fmt"
	"strings"
)

// FormatBytes is a size for people: "256 MiB", "1.5 GiB", "900 KiB".
func FormatBytes(n uint64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, exp := float64(n)/1024, 0
	for v >= 1023.95 && exp < 5 {
		v /= 1024
		exp++
	}
	text := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	return fmt.Sprintf("%s %ciB", text, "KMGTPE"[exp])
}
