package repl

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A value whose __tostring never returns is printed under the chunk's
// context: cancelling it (Ctrl-C) stops the printing.
func TestPrintingStopsWithTheContext(t *testing.T) {
	e, out, errb := newEval(t)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Line(ctx, `setmetatable({}, {__tostring = function() while true do end end})`)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("printing a value went on after its context ended")
	}
	assert.Equal(t, "interrupted\n", errb.String())
	assert.Empty(t, out.String())
}
