package repl

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunCommand(t *testing.T) {
	var got [][]string
	cmds := []Command{{Name: ".plan", Run: func(args []string) { got = append(got, args) }}}
	assert.True(t, RunCommand(cmds, "  .plan  show "))
	assert.True(t, RunCommand(cmds, ".plan"))
	assert.False(t, RunCommand(cmds, ".planned"))
	assert.False(t, RunCommand(cmds, "print(.5)"))
	assert.False(t, RunCommand(cmds, ""))
	assert.False(t, RunCommand(nil, ".plan"))
	assert.Equal(t, [][]string{{"show"}, {}}, got)
}

// TestUnknownCommand: a dot command of no known name is named as such,
// with the nearest one, instead of Lua's "unexpected symbol near '.'".
func TestUnknownCommand(t *testing.T) {
	cmds := []Command{{Name: ".plan"}}
	msg, ok := UnknownCommand(cmds, ".hlep")
	assert.True(t, ok)
	assert.Equal(t, "unknown command .hlep (did you mean .help?); .help lists the commands", msg)
	msg, ok = UnknownCommand(cmds, ".pln show")
	assert.True(t, ok)
	assert.Contains(t, msg, "(did you mean .plan?)")
	msg, ok = UnknownCommand(cmds, ".frobnicate")
	assert.True(t, ok)
	assert.Equal(t, "unknown command .frobnicate; .help lists the commands", msg)
	for _, line := range []string{".plan", ".help", ".exit", ".5", ". x", "print(1)", "", "x.y"} {
		_, ok := UnknownCommand(cmds, line)
		assert.False(t, ok, line)
	}
}
