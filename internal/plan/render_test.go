package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteText(t *testing.T) {
	p := Plan{Changes: []Change{
		{Op: "Machines_create", Kind: "create", Summary: "create machine 1 (a) of web: started", Diff: map[string]Delta{"image": {To: "nginx"}}},
		{Op: "Machines_update", Kind: "update", Summary: "update machine 2 (b) of web", Diff: map[string]Delta{"image": {From: "nginx:1", To: "nginx:2"}}},
		{Op: "Machines_delete", Kind: "destroy", Summary: "destroy machine 3 (c) of web: stopped -> destroyed"},
		{Op: "Machines_update", Kind: "update", Summary: "update machine 4 (d) of web"},
	}}
	var plain strings.Builder
	require.NoError(t, p.WriteText(&plain, false))
	assert.Equal(t, `+ Machines_create create machine 1 (a) of web: started
    image: (none) -> nginx
~ Machines_update update machine 2 (b) of web
    image: nginx:1 -> nginx:2
- Machines_delete destroy machine 3 (c) of web: stopped -> destroyed
~ Machines_update update machine 4 (d) of web
Plan: 1 create, 2 updates, 1 destroy.
`, plain.String())
	var col strings.Builder
	require.NoError(t, p.WriteText(&col, true))
	assert.Contains(t, col.String(), "\x1b[32m+\x1b[0m \x1b[1mMachines_create\x1b[0m")
	assert.Contains(t, col.String(), "\x1b[31m-\x1b[0m")
	assert.Contains(t, col.String(), "    \x1b[33mimage: nginx:1 -> nginx:2\x1b[0m")

	var empty strings.Builder
	require.NoError(t, Plan{}.WriteText(&empty, false))
	assert.Equal(t, "Plan: no changes.\n", empty.String())
	b, err := json.Marshal(Plan{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"changes": [], "summary": "Plan: no changes."}`, string(b))
}

// TestWriteTextEscapesTheAPIsStrings: a name or a config value from the
// API that holds an escape sequence prints escaped, in the summary and in
// the diff, so that production data cannot drive the terminal.
func TestWriteTextEscapesTheAPIsStrings(t *testing.T) {
	p := Plan{Changes: []Change{{Op: "Machines_update", Kind: "update", Summary: "update machine 1 (web\x1b[2J) of web",
		Diff: map[string]Delta{"env.MOTD": {From: "hi\x1b[31m", To: "hello"}}}}}
	var b strings.Builder
	require.NoError(t, p.WriteText(&b, true))
	assert.NotContains(t, b.String(), "\x1b[2J")
	assert.NotContains(t, b.String(), "\x1b[31m")
	assert.Contains(t, b.String(), `(web\027[2J)`)
	assert.Contains(t, b.String(), `env.MOTD: hi\027[31m -> hello`)
}
