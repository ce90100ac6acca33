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

func TestSensitiveHistory(t *testing.T) {
	secret := []string{
		`fly.use("x", "fm1r_abc123")`,
		`t = "fm1a_shortone"`,
		`t = "fm2_x"`,
		`t = "FlyV1 fm2_a,fm2_b"`,
		`jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig"`,
		`print("eyJhbGciOiJIUzI1NiJ9.e30.x")`,
		`h = {Authorization = "Bearer abc"}`,
		`password = "hunter2"`,
	}
	for _, s := range secret {
		assert.True(t, Sensitive(s), s)
	}
	plain := []string{
		`fly.machines.list()`,
		`x = {eyes = 2}`,
		`print("fm1 stands for nothing")`,
		`json.decode('{"a": 1}')`,
	}
	for _, s := range plain {
		assert.False(t, Sensitive(s), s)
	}
}

// An error value whose __tostring never returns is printed under the
// chunk's context too (the default FormatError calls it).
func TestErrorPrintingStopsWithTheContext(t *testing.T) {
	e, _, errb := newEval(t)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Line(ctx, `error(setmetatable({}, {__tostring = function() while true do end end}))`)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("printing an error went on after its context ended")
	}
	assert.NotEmpty(t, errb.String())
}
