// Package editdist measures how far apart two names are, for the "did you
// mean ...?" suggestions of the project (unknown fields of the bindings,
// misspelt globals and fields in Lua error messages, unknown log levels).
// Anyone may import it; it imports nothing of the project.
package editdist

// Distance is the optimal string alignment distance of a and b: how many
// insertions, deletions, substitutions and swaps of adjacent bytes turn one
// into the other.
func Distance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Nearest is the first of candidates at the smallest distance from s, when
// that distance is at most limit; "" when none is that close.
func Nearest(s string, candidates []string, limit int) string {
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
