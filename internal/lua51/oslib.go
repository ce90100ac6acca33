package lua51

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// openOs replaces os.date, os.getenv and os.setenv.
func (o *opener) openOs() {
	t, ok := o.lib("os")
	if !ok {
		return
	}
	env := o.cfg.Env
	if env == nil {
		env = NewEnv(o.cfg.Getenv)
	}
	o.replace(t, map[string]lua.LGFunction{
		"date": osDate, "time": osTime, "setlocale": osSetlocale,
		"difftime": func(L *lua.LState) int {
			L.Push(lua.LNumber(checkNumber(L, 1) - optNumber(L, 2, 0)))
			return 1
		},
		"getenv": func(L *lua.LState) int {
			if v, ok := env.Getenv(L.CheckString(1)); ok {
				L.Push(lua.LString(v))
			} else {
				L.Push(lua.LNil)
			}
			return 1
		},
		"setenv": func(L *lua.LState) int {
			env.Setenv(L.CheckString(1), L.CheckString(2))
			L.Push(lua.LTrue)
			return 1
		},
	})
}

// Env is a VM's environment: the host's variables (a lookup function) under
// the ones the script set with os.setenv, which stay in the VM and never
// change the process's environment.
type Env struct {
	lookup func(string) (string, bool)
	mu     sync.Mutex
	set    map[string]string
}

// NewEnv is an environment over lookup (nil: no variables).
func NewEnv(lookup func(string) (string, bool)) *Env {
	return &Env{lookup: lookup, set: map[string]string{}}
}

// Getenv returns a variable: the one os.setenv set, else the host's.
func (e *Env) Getenv(name string) (string, bool) {
	e.mu.Lock()
	v, ok := e.set[name]
	e.mu.Unlock()
	if ok {
		return v, true
	}
	if e.lookup == nil {
		return "", false
	}
	return e.lookup(name)
}

// Setenv sets a variable for the VM.
func (e *Env) Setenv(name, value string) {
	e.mu.Lock()
	e.set[name] = value
	e.mu.Unlock()
}

// gmt is the zone of os.date("!..."): glibc's gmtime calls it GMT (the
// local zone of TZ=UTC is UTC).
var gmt = time.FixedZone("GMT", 0)

// osDate is os.date([format [, time]]) with C's strftime conversions (C89
// and the common POSIX ones), "!" for UTC and "*t" for a table with year,
// month, day, hour, min, sec, wday, yday and isdst.
func osDate(L *lua.LState) int {
	format := L.OptString(1, "%c")
	t := time.Now()
	if L.GetTop() >= 2 && L.Get(2) != lua.LNil {
		t = time.Unix(checkInt(L, 2), 0)
	}
	if strings.HasPrefix(format, "!") {
		format = format[1:]
		t = t.In(gmt)
	} else {
		t = t.Local()
	}
	if y := int64(t.Year()) - 1900; y > math.MaxInt32 || y < math.MinInt32 {
		// C's gmtime and localtime fail when the year does not fit
		// struct tm's int: os.date gives nil.
		L.Push(lua.LNil)
		return 1
	}
	if strings.HasPrefix(format, "*t") {
		tb := L.CreateTable(0, 9)
		tb.RawSetString("year", lua.LNumber(t.Year()))
		tb.RawSetString("month", lua.LNumber(t.Month()))
		tb.RawSetString("day", lua.LNumber(t.Day()))
		tb.RawSetString("hour", lua.LNumber(t.Hour()))
		tb.RawSetString("min", lua.LNumber(t.Minute()))
		tb.RawSetString("sec", lua.LNumber(t.Second()))
		tb.RawSetString("wday", lua.LNumber(t.Weekday()+1))
		tb.RawSetString("yday", lua.LNumber(t.YearDay()))
		tb.RawSetString("isdst", lua.LBool(t.IsDST()))
		L.Push(tb)
		return 1
	}
	L.Push(lua.LString(strftime(format, t)))
	return 1
}

var (
	weekdays = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// strftime is C's strftime in the C locale.
func strftime(format string, t time.Time) string {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		b.WriteString(conversion(format[i], t))
	}
	return b.String()
}

// conversion is one strftime conversion; an unknown one is written as it
// is, as glibc does.
func conversion(c byte, t time.Time) string {
	hour12 := t.Hour() % 12
	if hour12 == 0 {
		hour12 = 12
	}
	switch c {
	case 'a':
		return weekdays[t.Weekday()][:3]
	case 'A':
		return weekdays[t.Weekday()]
	case 'b', 'h':
		return months[t.Month()-1][:3]
	case 'B':
		return months[t.Month()-1]
	case 'c':
		return strftime("%a %b %e %H:%M:%S %Y", t)
	case 'C':
		return fmt.Sprintf("%02d", t.Year()/100)
	case 'd':
		return fmt.Sprintf("%02d", t.Day())
	case 'D', 'x':
		return strftime("%m/%d/%y", t)
	case 'e':
		return fmt.Sprintf("%2d", t.Day())
	case 'F':
		return strftime("%Y-%m-%d", t)
	case 'g':
		y, _ := t.ISOWeek()
		return fmt.Sprintf("%02d", y%100)
	case 'G':
		y, _ := t.ISOWeek()
		return fmt.Sprint(y)
	case 'H':
		return fmt.Sprintf("%02d", t.Hour())
	case 'I':
		return fmt.Sprintf("%02d", hour12)
	case 'j':
		return fmt.Sprintf("%03d", t.YearDay())
	case 'k':
		return fmt.Sprintf("%2d", t.Hour())
	case 'l':
		return fmt.Sprintf("%2d", hour12)
	case 'm':
		return fmt.Sprintf("%02d", int(t.Month()))
	case 'M':
		return fmt.Sprintf("%02d", t.Minute())
	case 'n':
		return "\n"
	case 'p':
		if t.Hour() < 12 {
			return "AM"
		}
		return "PM"
	case 'P':
		if t.Hour() < 12 {
			return "am"
		}
		return "pm"
	case 'r':
		return strftime("%I:%M:%S %p", t)
	case 'R':
		return strftime("%H:%M", t)
	case 's':
		return fmt.Sprint(t.Unix())
	case 'S':
		return fmt.Sprintf("%02d", t.Second())
	case 't':
		return "\t"
	case 'T', 'X':
		return strftime("%H:%M:%S", t)
	case 'u':
		wd := int(t.Weekday())
		if wd == 0 {
			wd = 7
		}
		return fmt.Sprint(wd)
	case 'U':
		return fmt.Sprintf("%02d", (t.YearDay()+6-int(t.Weekday()))/7)
	case 'V':
		_, w := t.ISOWeek()
		return fmt.Sprintf("%02d", w)
	case 'w':
		return fmt.Sprint(int(t.Weekday()))
	case 'W':
		return fmt.Sprintf("%02d", (t.YearDay()+6-(int(t.Weekday())+6)%7)/7)
	case 'y':
		return fmt.Sprintf("%02d", t.Year()%100)
	case 'Y':
		return fmt.Sprint(t.Year())
	case 'z':
		return t.Format("-0700")
	case 'Z':
		name, _ := t.Zone()
		return name
	case '%':
		return "%"
	}
	return "%" + string(c)
}

// osTime is os.time([table]): now, or the local time the table gives, its
// day, month and year required (hour defaults to 12, min and sec to 0),
// out-of-range fields carried over as C's mktime does.
func osTime(L *lua.LState) int {
	if L.Get(1) == lua.LNil {
		L.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}
	t := L.CheckTable(1)
	field := func(key string, def int) int {
		if v, ok := t.RawGetString(key).(lua.LNumber); ok {
			return int(v)
		}
		if s, ok := t.RawGetString(key).(lua.LString); ok {
			if f, ok := ParseNumber(string(s)); ok {
				return int(f)
			}
		}
		if def < 0 {
			L.RaiseError("field '%s' missing in date table", key)
		}
		return def
	}
	sec, min, hour := field("sec", 0), field("min", 0), field("hour", 12)
	day, month, year := field("day", -1), field("month", -1), field("year", -1)
	local := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.Local)
	u := local.Unix()
	if v := t.RawGetString("isdst"); v != lua.LNil {
		// glibc's mktime takes the table's isdst over the zone's rules,
		// an hour apart (in a zone without summer time too).
		if dst := lua.LVAsBool(v); dst && !local.IsDST() {
			u -= 3600
		} else if !dst && local.IsDST() {
			u += 3600
		}
	}
	if u == -1 {
		L.Push(lua.LNil) // mktime's error value, which Lua 5.1 takes for an error
		return 1
	}
	L.Push(lua.LNumber(u))
	return 1
}

// optNumber is luaL_optnumber.
func optNumber(L *lua.LState, n int, def float64) float64 {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkNumber(L, n)
}

// osSetlocale is os.setlocale([locale [, category]]): flyscript runs in
// the C locale only, so the query and "C", "POSIX" or "" (the
// environment's, taken as C) answer "C", and any other locale nil.
func osSetlocale(L *lua.LState) int {
	switch L.OptString(1, "C") {
	case "C", "POSIX", "":
		L.Push(lua.LString("C"))
	default:
		L.Push(lua.LNil)
	}
	return 1
}
