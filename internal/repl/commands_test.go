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
