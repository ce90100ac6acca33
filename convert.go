package flyscript

import (
	"errors"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// errCycle is returned when a table refers to itself and cannot become a
// Go value.
var errCycle = errors.New("flyscript: cannot convert a table that contains itself")

// toGo converts a Lua value to Go (see Eval for the mapping).
func toGo(v lua.LValue) (any, error) {
	return convert(v, map[*lua.LTable]bool{})
}

func convert(v lua.LValue, seen map[*lua.LTable]bool) (any, error) {
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
		return convertTable(v, seen)
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

func convertTable(t *lua.LTable, seen map[*lua.LTable]bool) (any, error) {
	if seen[t] {
		return nil, errCycle
	}
	seen[t] = true
	defer delete(seen, t)

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
			v, err := convert(t.RawGetInt(i), seen)
			if err != nil {
				return nil, err
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
		var gv any
		if gv, err = convert(v, seen); err == nil {
			out[keyString(k)] = gv
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
