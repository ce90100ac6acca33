// Package lazyre compiles regular expressions on first use rather than at
// package initialisation: every flyscript start initialises the packages it
// links, and most runs never use most of their expressions.
package lazyre

import (
	"regexp"
	"sync"
)

// New returns a function that compiles expr the first time it is called
// (panicking, as regexp.MustCompile does, when expr is invalid) and returns
// the same *regexp.Regexp every time.
func New(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
