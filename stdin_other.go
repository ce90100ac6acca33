//go:build !unix

package flyscript

import (
	"context"
	"os"
)

// waitReadable cannot poll here: the read runs in the background instead
// (see callReader).
func waitReadable(context.Context, *os.File) (ready, handled bool) { return false, false }
