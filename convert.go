package flyscript

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/stdlib"
)

// errCycle is returned when a table refers to itself and cannot become a
// Go value.
var errCycle = errors.New("a table that contains itself (a cycle) has no Go value")

// convertError is a conversion's failure at a path in the value: the keys
// from the value converted down to the table that failed.
type convertError struct {
	keys []lua.LValue // outermost first
	more bool         // keys deeper than these were left out
	err  error
}

func (e *convertError) Error() string {
	if len(e.keys) == 0 {
		return e.err.Error()
	}
	var b strings.Builder
	for _, k := range e.keys {
		if s, ok := k.(lua.LString); ok && stdlib.IsIdentifier(string(s)) {
			b.WriteString("." + string(s))
		} else if ok {
			b.WriteString("[" + strconv.Quote(string(s)) + "]")
		} else {
			b.WriteString("[" + keyString(k) + "]")
		}
	}
	if e.more {
		b.WriteString("...")
	}
	return "at " + b.String() + ": " + e.err.Error()
}

func (e *convertError) Unwrap() error { return e.err }

// under adds key in front of the path of err, a failure within the value
// at key. Only the outermost levels are named: a path through thousands
// of tables says nothing more.
func under(key lua.LValue, err error) error {
	ce, ok := err.(*convertError)
	if !ok {
		ce = &convertError{err: err}
	}
	ce.keys = append([]lua.LValue{key}, ce.keys...)
	if len(ce.keys) > maxPathKeys {
		ce.keys, ce.more = ce.keys[:maxPathKeys], true
	}
	return ce
}

// maxPathKeys bounds the path a conversion error names.
const maxPathKeys = 16

// maxConvertDepth bounds how deeply nested a table may be to become a Go
// value. It matches the nesting json.decode accepts, so that anything
// decoded converts; deeper values (built on purpose to exhaust the Go
// stack) fail with errTooDeep instead of crashing the host.
const maxConvertDepth = 10000

// errTooDeep is returned for a table nested more than maxConvertDepth deep.
var errTooDeep = fmt.Errorf("a table nested more than %d levels deep has no Go value", maxConvertDepth)

// checkEvery is how many values a walk converts between two looks at its
// context, so that converting a huge value stops soon after the deadline.
const checkEvery = 4096

// toGo converts a Lua value to Go (see Eval for the mapping). ctx bounds
// the time it takes: a value so large that converting it outlives ctx
// fails with ctx's error.
func toGo(ctx context.Context, v lua.LValue) (any, error) {
	c := converter{ctx: ctx, seen: map[*lua.LTable]bool{}}
	return c.convert(v, 0)
}

// converter is one conversion: the tables being converted (to find
// cycles), and a count of values for the context checks.
type converter struct {
	ctx   context.Context
	seen  map[*lua.LTable]bool
	count int
}

func (c *converter) convert(v lua.LValue, depth int) (any, error) {
	switch v := v.(type) {
	case *lua.LNilType:
		return nil, nil
	case lua.LBool:
		return bool(v), nil
	case lua.LString:
		return string(v), nil
	case lua.LNumber:
		return number(float64(v)), nil
	case *lua.LTable:
		return c.table(v, depth+1)
	case *lua.LUserData:
		if isNull(v) {
			return nil, nil
		}
		if v.Value != nil {
			return v.Value, nil
		}
		return v, nil
	default:
		return v, nil
	}
}

// number keeps whole numbers whole: int64 when the value is an integer
// that int64 holds exactly, float64 otherwise.
func number(f float64) any {
	if f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 {
		return int64(f)
	}
	return f
}

// tick counts one value and, every checkEvery of them, reports the
// context's error.
func (c *converter) tick() error {
	c.count++
	if c.count%checkEvery == 0 && c.ctx != nil {
		return c.ctx.Err()
	}
	return nil
}

func (c *converter) table(t *lua.LTable, depth int) (any, error) {
	if c.seen[t] {
		return nil, errCycle
	}
	if depth > maxConvertDepth {
		return nil, errTooDeep
	}
	c.seen[t] = true
	defer delete(c.seen, t)
	if err := lazy.Force(t); err != nil { // a record whose members were kept aside
		return nil, err
	}

	count, maxKey, seq := 0, 0.0, true
	t.ForEach(func(k, _ lua.LValue) {
		count++
		n, ok := k.(lua.LNumber)
		if !ok || float64(n) != math.Trunc(float64(n)) || n < 1 {
			seq = false
			return
		}
		maxKey = math.Max(maxKey, float64(n))
	})
	if count > 0 && seq && maxKey == float64(count) {
		out := make([]any, count)
		for i := 1; i <= count; i++ {
			if err := c.tick(); err != nil {
				return nil, err
			}
			v, err := c.convert(t.RawGetInt(i), depth)
			if err != nil {
				return nil, under(lua.LNumber(i), err)
			}
			out[i-1] = v
		}
		return out, nil
	}
	out := make(map[string]any, count)
	var err error
	t.ForEach(func(k, v lua.LValue) {
		if err != nil {
			return
		}
		if err = c.tick(); err != nil {
			return
		}
		var gv any
		if gv, err = c.convert(v, depth); err == nil {
			out[keyString(k)] = gv
		} else {
			err = under(k, err)
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// keyString is a table key as a map key: strings as they are, whole
// numbers without a fraction, others as tostring would print them.
func keyString(k lua.LValue) string {
	switch k := k.(type) {
	case lua.LString:
		return string(k)
	case lua.LNumber:
		if n, ok := number(float64(k)).(int64); ok {
			return strconv.FormatInt(n, 10)
		}
		return k.String()
	default:
		return k.String()
	}
}
