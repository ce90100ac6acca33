package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const twoRounds = `goos: linux
BenchmarkGet/impl=nethttp-2   	    2000	     100 ns/op	  18449 B/op
BenchmarkGet/impl=client-2    	    2000	     110 ns/op	  19744 B/op
BenchmarkSolo-2               	       1	     7 ns/op	  3.5 x-ideal
PASS
BenchmarkGet/impl=nethttp-2   	    2000	     200 ns/op	  18449 B/op
BenchmarkGet/impl=client-2    	    2000	     260 ns/op	  19744 B/op
BenchmarkSolo
BenchmarkSolo-2               	       1	     9 ns/op	  4.5 x-ideal
`

func TestSummarisePairsRounds(t *testing.T) {
	res, err := parse(strings.NewReader(twoRounds))
	require.NoError(t, err)
	require.Len(t, res, 6)
	out := summarise(res, []string{"ns/op", "x-ideal"})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Equal(t, []string{
		"| Get | nethttp | ns/op | 2 | 150.0 |  |  |",
		"| Get | client | ns/op | 2 | 185.0 | 1.200x | 1.100-1.300 |",
		"| Solo | - | ns/op | 2 | 8.000 |  |  |",
		"| Solo | - | x-ideal | 2 | 4.000 |  |  |",
	}, lines[2:])
}

func TestParseRejectsBadValues(t *testing.T) {
	_, err := parse(strings.NewReader("BenchmarkX-2 1 abc ns/op\n"))
	require.Error(t, err)
}
