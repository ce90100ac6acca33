package stdlib

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// SleepFunc is the implementation of time.sleep: it pauses the script for d
// and returns the number of values it pushed, like a lua.LGFunction, so an
// implementation may `return L.Yield()` to suspend a coroutine task instead
// of blocking the VM's goroutine.
type SleepFunc func(L *lua.LState, d time.Duration) int

// BlockingSleep is the default SleepFunc: it blocks for d, and raises
// "time.sleep: context canceled" (or deadline exceeded) as soon as
// L.Context() ends.
func BlockingSleep(L *lua.LState, d time.Duration) int {
	ctx := L.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		L.RaiseError("time.sleep: %v", err)
	}
	if d <= 0 {
		return 0
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return 0
	case <-ctx.Done():
		L.RaiseError("time.sleep: %v", ctx.Err())
		return 0
	}
}

// SetSleep replaces the time.sleep implementation of L (nil restores
// BlockingSleep). The concurrency layer uses it to make sleeps inside tasks
// yield.
func SetSleep(L *lua.LState, fn SleepFunc) {
	if fn == nil {
		fn = BlockingSleep
	}
	get(L).sleep = fn
}

// Duration converts a duration given to a Lua function: a number of seconds
// (fractions allowed) or a Go duration string ("90s", "2m", "1h30m"; a bare
// number in a string is seconds too). Negative, NaN and infinite durations
// are errors. The error names the value and the accepted forms; callers put
// their function name and the field in front. L may be nil.
func Duration(L *lua.LState, v lua.LValue) (time.Duration, error) {
	switch v := v.(type) {
	case lua.LNumber:
		return secondsToDuration(float64(v), formatNumber(float64(v)))
	case lua.LString:
		s := strings.TrimSpace(string(v))
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return secondsToDuration(f, strconv.Quote(string(v)))
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q (want a number of seconds or a Go duration such as \"90s\" or \"2m\")", string(v))
		}
		if d < 0 {
			return 0, fmt.Errorf("invalid duration %q: must not be negative", string(v))
		}
		return d, nil
	}
	return 0, fmt.Errorf("invalid duration: expected a number of seconds or a duration string, got %s", typeName(v))
}

func secondsToDuration(f float64, shown string) (time.Duration, error) {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0, fmt.Errorf("invalid duration %s", shown)
	case f < 0:
		return 0, fmt.Errorf("invalid duration %s: must not be negative", shown)
	case f*float64(time.Second) >= math.MaxInt64:
		return 0, fmt.Errorf("invalid duration %s: too long", shown)
	}
	return time.Duration(math.Round(f * float64(time.Second))), nil
}

// timeFuncs is the time module. Times are numbers of seconds since the Unix
// epoch (with fractions), durations numbers of seconds. As arguments, numbers
// from MillisThreshold up are read as milliseconds (the API's event
// timestamps).
func (in *instance) timeFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"format":         in.timeFormat,
		"now":            in.timeNow,
		"now_ms":         in.timeNowMS,
		"parse":          in.timeParse,
		"parse_duration": in.timeParseDuration,
		"since":          in.timeSince,
		"sleep":          in.timeSleep,
	}
}

func unixSeconds(t time.Time) lua.LNumber {
	return lua.LNumber(float64(t.UnixNano()) / 1e9)
}

func fromUnixSeconds(f float64) time.Time {
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(math.Round(frac*1e9))).UTC()
}

// time.now() -> seconds since the epoch, with fractions
func (in *instance) timeNow(L *lua.LState) int {
	L.Push(unixSeconds(in.now()))
	return 1
}

// time.now_ms() -> whole milliseconds since the epoch
func (in *instance) timeNowMS(L *lua.LState) int {
	L.Push(lua.LNumber(in.now().UnixMilli()))
	return 1
}

// time.sleep(d): d is seconds or a duration string.
func (in *instance) timeSleep(L *lua.LState) int {
	const name = "time.sleep"
	if L.GetTop() < 1 {
		argError(L, name, 1, "duration expected, got no value")
	}
	d, err := Duration(L, L.Get(1))
	if err != nil {
		L.RaiseError("%s: %s", name, err.Error())
	}
	L.SetTop(0)
	return in.sleep(L, d)
}

// time.since(t) -> seconds elapsed since t (a number from time.now or a
// timestamp string such as an API's created_at).
func (in *instance) timeSince(L *lua.LState) int {
	const name = "time.since"
	t := in.checkTime(L, name, 1)
	L.Push(lua.LNumber(in.now().Sub(t).Seconds()))
	return 1
}

// MillisThreshold is where a number given to time.* as a time stops being
// seconds and starts being milliseconds since the epoch. The API gives some
// times in milliseconds (MachineEvent.timestamp, 1.7e12 today) and time.*
// works in seconds (time.now, 1.7e9 today): 1e11 seconds is the year 5138
// and 1e11 milliseconds March 1973, so no time a script meets is ambiguous,
// and time.since(event.timestamp) is right either way.
const MillisThreshold = 1e11

// checkTime reads argument n as a time: seconds since the epoch,
// milliseconds since the epoch (numbers from MillisThreshold up), or an
// RFC 3339 timestamp.
func (in *instance) checkTime(L *lua.LState, name string, n int) time.Time {
	switch v := L.Get(n).(type) {
	case lua.LNumber:
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			argError(L, name, n, "invalid time "+v.String())
		}
		if math.Abs(float64(v)) >= MillisThreshold {
			if math.Abs(float64(v)) >= 1e17 { // beyond year 5e6 even in milliseconds
				argError(L, name, n, "invalid time "+v.String()+" (out of range)")
			}
			return time.UnixMilli(int64(v)).Add(time.Duration((float64(v) - math.Trunc(float64(v))) * 1e6)).UTC()
		}
		return fromUnixSeconds(float64(v))
	case lua.LString:
		t, err := time.Parse(time.RFC3339Nano, string(v))
		if err != nil {
			L.RaiseError("%s: invalid timestamp %q (want RFC 3339, such as \"2024-05-01T12:00:00Z\")", name, string(v))
		}
		return t
	}
	argError(L, name, n, "number or timestamp string expected, got "+typeName(L.Get(n)))
	return time.Time{}
}

// layouts are the names time.format and time.parse accept besides a Go
// layout.
var layouts = map[string]string{
	"date":        time.DateOnly,
	"datetime":    time.DateTime,
	"kitchen":     time.Kitchen,
	"rfc1123":     time.RFC1123,
	"rfc3339":     time.RFC3339,
	"rfc3339nano": time.RFC3339Nano,
	"time":        time.TimeOnly,
}

func optLayout(L *lua.LState, name string, n int) string {
	switch v := L.Get(n).(type) {
	case *lua.LNilType:
		return time.RFC3339
	case lua.LString:
		if l, ok := layouts[strings.ToLower(string(v))]; ok {
			return l
		}
		return string(v)
	}
	argError(L, name, n, "layout string expected, got "+typeName(L.Get(n)))
	return ""
}

// time.format(t?, layout?) -> string in UTC; t defaults to now, layout to
// RFC 3339.
func (in *instance) timeFormat(L *lua.LState) int {
	const name = "time.format"
	t := in.now().UTC()
	if L.Get(1) != lua.LNil {
		t = in.checkTime(L, name, 1).UTC()
	}
	layout := optLayout(L, name, 2)
	checkLayout(L, name, layout, `; for strftime's %Y-%m-%d use os.date("!%Y-%m-%d", t) with t in seconds`)
	L.Push(lua.LString(t.Format(layout)))
	return 1
}

// checkLayout raises a bad argument #2 error for a layout with no element
// of a time (strftime's, or plain text), saying how to write one; strftime
// adds to the message when the layout has a %.
func checkLayout(L *lua.LState, name, layout, strftime string) {
	if hasTimeElement(layout) {
		return
	}
	msg := fmt.Sprintf(`layout %q has no element of a time: a layout is Go's reference time written as wanted, such as "2006-01-02 15:04:05"`, layout)
	if strings.Contains(layout, "%") {
		msg += strftime
	}
	argError(L, name, 2, msg)
}

// hasTimeElement reports whether layout prints any part of a time: two
// times that differ in every element print differently.
func hasTimeElement(layout string) bool {
	a := time.Date(2001, 2, 3, 4, 5, 6, 7e8, time.UTC)
	b := time.Date(2012, 11, 24, 17, 38, 49, 3e8, time.FixedZone("X", 3600))
	return a.Format(layout) != b.Format(layout)
}

// time.parse(s, layout?) -> seconds since the epoch; layout defaults to RFC
// 3339 (fractional seconds accepted). Times without a zone are UTC.
func (in *instance) timeParse(L *lua.LState) int {
	const name = "time.parse"
	s := checkString(L, name, 1)
	layout := optLayout(L, name, 2)
	checkLayout(L, name, layout, ` (strftime's %Y-%m-%d is "2006-01-02")`)
	t, err := time.Parse(layout, s)
	if err != nil {
		L.RaiseError("%s: cannot parse %q as %q", name, s, layout)
	}
	L.Push(unixSeconds(t))
	return 1
}

// time.parse_duration(x) -> seconds
func (in *instance) timeParseDuration(L *lua.LState) int {
	const name = "time.parse_duration"
	if L.GetTop() < 1 {
		argError(L, name, 1, "duration expected, got no value")
	}
	d, err := Duration(L, L.Get(1))
	if err != nil {
		L.RaiseError("%s: %s", name, err.Error())
	}
	L.Push(lua.LNumber(d.Seconds()))
	return 1
}
