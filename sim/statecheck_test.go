package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validState is a small state file as the simulator writes it.
func validState(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	h := newHarness(t, WithStateFile(path), WithTimings(InstantTimings()))
	h.app("web")
	id := h.machine("web", nil)
	require.Equal(t, "3f64b20e40b65a", id, "the cases below name this machine")
	h.ok("POST", "/v1/apps/web/secrets/TOKEN", map[string]any{"value": "abc"})
	h.ok("POST", "/v1/apps/web/secretkeys/k/generate", map[string]any{"type": "nacl_sign"})
	h.s.Close()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

// TestBadStateFiles: a corrupt or hand-edited state file is refused with
// the file, the JSON path and what is wrong, and is left as it is.
func TestBadStateFiles(t *testing.T) {
	good := string(validState(t))
	const m = `"3f64b20e40b65a"`
	cases := []struct {
		name      string
		edit      func(string) string
		where     string
		problemIn string
	}{
		{"orgs null", func(s string) string { return replaceObject(t, s, `{`, `"orgs"`, "null") }, `$.apps["web"].org`, `organisation "personal" is not in $.orgs`},
		{"an unknown field", func(s string) string { return replaceField(t, s, `"orgs": {`, `"x": 1, "orgs": {`) }, "$", `unknown field "x"`},
		{"a null machine", func(s string) string { return replaceObject(t, s, `"machines": {`, m, "null") }, `$.machines[` + m + `]`, "null, want an object"},
		{"a null app", func(s string) string { return replaceObject(t, s, `"apps": {`, `"web"`, "null") }, `$.apps["web"]`, "null, want an object"},
		{"null versions", func(s string) string { return replaceList(t, s, `"versions": [`, "null") }, `$.machines[` + m + `].versions`, "at least one version"},
		{"no versions", func(s string) string { return replaceList(t, s, `"versions": [`, "[]") }, `$.machines[` + m + `].versions`, "at least one version"},
		{"null events", func(s string) string { return replaceList(t, s, `"events": [`, "null") }, `$.machines[` + m + `].events`, "at least one event"},
		{"a null event", func(s string) string { return replaceList(t, s, `"events": [`, "[null]") }, `$.machines[` + m + `].events[0]`, "null, want an object"},
		{"a typo", func(s string) string { return strings.Replace(s, `"machines":`, `"machnes":`, 1) }, "$", `unknown field "machnes"`},
		{"a wrong type", func(s string) string { return strings.Replace(s, `"state": "started"`, `"state": 3`, 1) }, `$.machines[` + m + `].state`, "the number 3, want a string"},
		{"an unknown state", func(s string) string { return strings.Replace(s, `"state": "started"`, `"state": "runing"`, 1) }, `$.machines[` + m + `].state`, `unknown machine state "runing"`},
		{"an orphan machine", func(s string) string { return strings.Replace(s, `"app": "web"`, `"app": "gone"`, 1) }, `$.machines[` + m + `].app`, `app "gone" is not in $.apps`},
		{"a bad time", func(s string) string { return strings.Replace(s, `"created_at": "2026`, `"created_at": "yesterday`, 1) }, `.created_at`, "cannot parse"},
		{"a key of the wrong length", func(s string) string { return strings.Replace(s, `"key": "`, `"key": "AAAA`, 1) }, `$.apps["web"].secret_keys["k"].key`, "wrong length"},
		{"cut short", func(s string) string { return s[:len(s)/2] }, "line ", "not JSON"},
		{"a syntax error", func(s string) string { return strings.Replace(s, `"seq":`, `"seq"`, 1) }, "line 3, column", "not JSON"},
		{"empty", func(string) string { return "" }, "", "empty"},
		{"a future format", func(s string) string { return strings.Replace(s, `"format": 1`, `"format": 7`, 1) }, "$.format", "format 7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			bad := c.edit(good)
			require.NotEqual(t, good, bad, "the edit changed nothing")
			require.NoError(t, os.WriteFile(path, []byte(bad), 0o600))
			s := New(WithStateFile(path))
			defer s.Close()
			var se *StateError
			require.ErrorAs(t, s.Err(), &se)
			assert.Equal(t, path, se.File)
			assert.Contains(t, se.Where, c.where)
			assert.Contains(t, se.Problem, c.problemIn)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, bad, string(after), "the file is left as it is")
		})
	}
}

// TestBadJournalLine: a complete journal line that does not decode is an
// error naming the journal and the line (only a torn last line is dropped).
func TestBadJournalLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, validState(t), 0o600))
	require.NoError(t, os.WriteFile(journalPath(path), []byte("{\"n\":100,\"seq\":1}\n{\"n\":101,\"apps\":{\"web\":{\"name\":3}}}\n"), 0o600))
	s := New(WithStateFile(path))
	defer s.Close()
	var se *StateError
	require.ErrorAs(t, s.Err(), &se)
	assert.Equal(t, journalPath(path), se.File)
	assert.Equal(t, `line 2: $.apps["web"].name`, se.Where)
}

// replaceObject replaces the value of key inside the object that opens
// with marker.
func replaceObject(t *testing.T, s, marker, key, with string) string {
	t.Helper()
	i := strings.Index(s, marker)
	require.GreaterOrEqual(t, i, 0, marker)
	j := strings.Index(s[i:], key+": ")
	require.GreaterOrEqual(t, j, 0, key)
	start := i + j + len(key) + 2
	end := start + matchingEnd(s[start:])
	return s[:start] + with + s[end:]
}

// replaceList replaces the list that opens with marker.
func replaceList(t *testing.T, s, marker, with string) string {
	t.Helper()
	i := strings.Index(s, marker)
	require.GreaterOrEqual(t, i, 0, marker)
	start := i + len(marker) - 1
	return s[:start] + with + s[start+matchingEnd(s[start:]):]
}

func replaceField(t *testing.T, s, old, new string) string {
	t.Helper()
	require.Contains(t, s, old)
	return strings.Replace(s, old, new, 1)
}

// matchingEnd is the length of the JSON object or list at the start of s.
func matchingEnd(s string) int {
	depth, inStr := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(s)
}
