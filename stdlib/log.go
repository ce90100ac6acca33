package stdlib

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lua51"
)

type logLevel int

const (
	levelDebug logLevel = iota
	levelInfo
	levelWarn
	levelError
	levelOff
)

var levelNames = [...]string{"DEBUG", "INFO", "WARN", "ERROR"}

// parseLogLevel reads a --log-level value; "" is info.
func parseLogLevel(s string) (logLevel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "debug":
		return levelDebug, nil
	case "", "info":
		return levelInfo, nil
	case "warn", "warning":
		return levelWarn, nil
	case "error":
		return levelError, nil
	case "off", "none":
		return levelOff, nil
	}
	return levelInfo, fmt.Errorf("unknown log level %q (want debug, info, warn, error or off)", s)
}

// CheckLogLevel reports whether s is a level Config.LogLevel accepts, with
// an error naming the valid ones, so a CLI can reject a bad --log-level as a
// usage error before it makes a VM.
func CheckLogLevel(s string) error {
	_, err := parseLogLevel(s)
	return err
}

// logFuncs is the log module: one function per level, plus enabled.
func (in *instance) logFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"debug":   in.logAt(levelDebug),
		"enabled": in.logEnabled,
		"error":   in.logAt(levelError),
		"info":    in.logAt(levelInfo),
		"warn":    in.logAt(levelWarn),
	}
}

// log.enabled(level) -> whether a line at that level would be written.
func (in *instance) logEnabled(L *lua.LState) int {
	const name = "log.enabled"
	s := checkString(L, name, 1)
	lv, err := parseLogLevel(s)
	if err != nil || lv == levelOff {
		L.RaiseError("%s: unknown level %q (want debug, info, warn or error)", name, s)
	}
	L.Push(lua.LBool(lv >= in.level))
	return 1
}

// logAt makes log.<level>(msg, fields?): one line on stderr,
//
//	2024-05-01T12:00:00.000Z INFO  restarted machine id=148e region=ord took=1.5
//
// with the fields sorted by key, values quoted when they need it, tables as
// compact JSON and values with a __tostring (error values, records) as that.
func (in *instance) logAt(level logLevel) lua.LGFunction {
	name := "log." + strings.ToLower(levelNames[level])
	return func(L *lua.LState) int {
		if level < in.level {
			return 0
		}
		if L.GetTop() < 1 {
			argError(L, name, 1, "message expected, got no value")
		}
		msg := lua51.ToString(L, L.Get(1))
		fields := optTable(L, name, 2)

		var b strings.Builder
		b.WriteString(in.now().UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		b.WriteByte(' ')
		fmt.Fprintf(&b, "%-5s ", levelNames[level])
		b.WriteString(msg)
		if fields != nil {
			for _, f := range logFields(L, fields) {
				b.WriteByte(' ')
				b.WriteString(f)
			}
		}
		b.WriteByte('\n')
		in.write(in.stderr, b.String())
		return 0
	}
}

// logFields renders a fields table as sorted key=value pairs.
func logFields(L *lua.LState, fields *lua.LTable) []string {
	var out []string
	if err := lazy.Force(fields); err != nil {
		L.RaiseError("%s", err.Error())
	}
	fields.ForEach(func(k, v lua.LValue) {
		key := k.String()
		if s, ok := k.(lua.LString); ok && !needsQuote(string(s)) {
			key = string(s)
		} else {
			key = strconv.Quote(key)
		}
		out = append(out, key+"="+logValue(L, v))
	})
	slices.Sort(out)
	return out
}

func logValue(L *lua.LState, v lua.LValue) string {
	switch v := v.(type) {
	case lua.LString:
		return quoteIfNeeded(string(v))
	case lua.LNumber, lua.LBool:
		return v.String()
	}
	if IsNull(v) {
		return "null"
	}
	if fn := L.GetMetaField(v, "__tostring"); fn != lua.LNil {
		return quoteIfNeeded(lua51.ToString(L, v))
	}
	if t, ok := v.(*lua.LTable); ok {
		if out, err := ToJSON(t); err == nil {
			return string(out)
		}
	}
	return quoteIfNeeded(Inspect(v, InspectOptions{Width: -1}))
}

func quoteIfNeeded(s string) string {
	if needsQuote(s) {
		return strconv.Quote(s)
	}
	return s
}

// needsQuote reports whether a logfmt value must be quoted: empty, or
// holding spaces, quotes, '=', control characters or invalid UTF-8.
func needsQuote(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if r <= ' ' || r == '"' || r == '=' || r == '\\' || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}
