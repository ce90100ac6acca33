package lua51

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGotoStandsInForAnUnusedName: the name that stands for goto in the
// parse is one the chunk does not have, so a chunk using the first
// candidates keeps its own variables apart from goto.
func TestGotoStandsInForAnUnusedName(t *testing.T) {
	out := run(t, `
		local g0o0, g0o1 = "a", "b"
		goto = "c"
		local t = { goto = "d" }
		print(g0o0, g0o1, goto, t.goto)
	`)
	assert.Equal(t, "a\tb\tc\td\n", out)
	_, name := prepareSource([]byte("g0o0 g0o1 goto"))
	assert.Equal(t, "g0o2", name)
	src, name := prepareSource([]byte("x = 1 -- no such name"))
	assert.Equal(t, "", name)
	assert.Equal(t, "x = 1 -- no such name", string(src))
}

// TestSourcePassKeepsLines: what the pass writes has the same lines, so
// errors and debug.getinfo name the lines of the source.
func TestSourcePassKeepsLines(t *testing.T) {
	out := run(t, "local goto = 0x1p4\nlocal x = {goto =\n0x1p1}\nprint(goto, x.goto, debug.getinfo(1, 'l').currentline)\nerror(goto)")
	assert.Equal(t, "16\t2\t4\nerror: test:5: 16\n", out)
}
