package stdlib_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

var logClock = func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 123_000_000, time.UTC) }

const logScript = `
	log.debug("d")
	log.info("i")
	log.warn("w")
	log.error("e")
`

func TestLogLevels(t *testing.T) {
	cases := map[string][]string{
		"debug": {"DEBUG d", "INFO  i", "WARN  w", "ERROR e"},
		"":      {"INFO  i", "WARN  w", "ERROR e"},
		"info":  {"INFO  i", "WARN  w", "ERROR e"},
		"warn":  {"WARN  w", "ERROR e"},
		"error": {"ERROR e"},
		"off":   nil,
	}
	for level, want := range cases {
		t.Run(level, func(t *testing.T) {
			v := newVM(t, stdlib.Config{LogLevel: level, Now: logClock})
			require.NoError(t, v.L.DoString(logScript))
			var got []string
			for _, line := range strings.Split(strings.TrimSuffix(v.stderr.String(), "\n"), "\n") {
				if line != "" {
					got = append(got, strings.TrimPrefix(line, "2024-05-01T12:00:00.123Z "))
				}
			}
			assert.Equal(t, want, got)
			assert.Empty(t, v.stdout.String())
			for _, l := range []string{"debug", "info", "warn", "error"} {
				enabled := v.eval(t, `log.enabled("`+l+`")`)
				assert.Equal(t, lua.LBool(strings.Contains(strings.Join(want, " "), strings.ToUpper(l))), enabled, l)
			}
		})
	}
}

func TestLogFields(t *testing.T) {
	v := newVM(t, stdlib.Config{Now: logClock})
	require.NoError(t, v.L.DoString(`
		local err = setmetatable({code = "not_found"}, {__tostring = function() return "fly.machines.get: 404 not_found: machine not found" end})
		log.info("restarted machine", {
			id = "148e", region = "ord", took = 1.5, count = 3, ok = true,
			note = "two words", empty = "", quote = 'say "hi"', eq = "a=b",
			config = {image = "nginx", guest = {cpus = 1}}, list = {1, 2},
			err = err, nothing = json.null, fn = print,
		})
		log.warn(err)
		log.error("multi\nline")
	`))
	lines := strings.Split(strings.TrimSuffix(v.stderr.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, `2024-05-01T12:00:00.123Z INFO  restarted machine `+
		`config={"guest":{"cpus":1},"image":"nginx"} count=3 empty="" eq="a=b" `+
		`err="fly.machines.get: 404 not_found: machine not found" fn=<function> id=148e list=[1,2] `+
		`note="two words" nothing=null ok=true quote="say \"hi\"" region=ord took=1.5`, lines[0])
	assert.Equal(t, `2024-05-01T12:00:00.123Z WARN  fly.machines.get: 404 not_found: machine not found`, lines[1])
	assert.Equal(t, "2024-05-01T12:00:00.123Z ERROR multi", lines[2])
	assert.Equal(t, "line", lines[3])
}

func TestLogRedacts(t *testing.T) {
	const token = "FlyV1 fm2_lJPECAAAAAAAAMjXxBA"
	redact := func(s string) string { return strings.ReplaceAll(s, token, "[REDACTED]") }
	v := newVM(t, stdlib.Config{LogLevel: "debug", Redact: redact, Now: logClock})
	require.NoError(t, v.L.DoString(`
		local tok = "`+token+`"
		log.debug("token is " .. tok, {token = tok, nested = {auth = tok}})
		print("header", tok)
	`))
	out := v.stderr.String() + v.stdout.String()
	assert.NotContains(t, out, "fm2_lJPECAAAAAAAAMjXxBA")
	assert.Equal(t, 4, strings.Count(out, "[REDACTED]"), out)
}
