package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/luadefs"
)

func TestDefsCommandWritesTheEditorFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := defsCommand(t.Context(), []string{"--out", dir}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Empty(t, stderr.String())

	defsPath := filepath.Join(dir, luadefs.LibraryDir, luadefs.DefsFile)
	rcPath := filepath.Join(dir, luadefs.LuarcFile)
	assert.Equal(t, "wrote "+defsPath+"\nwrote "+rcPath+"\n", stdout.String())

	defs, err := os.ReadFile(defsPath)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(defs), "---@meta"))
	assert.Contains(t, string(defs), "function fly.machines.stop(id, opts) end")

	rc, err := os.ReadFile(rcPath)
	require.NoError(t, err)
	want, err := luadefs.GenerateLuarc(nil, luadefs.LibraryDir)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(rc))
	assert.Contains(t, string(rc), `"Lua 5.1"`)

	// again: both files are updated, the user's settings kept
	require.NoError(t, os.WriteFile(rcPath, []byte(`{"format": {"enable": false}}`), 0o644))
	stdout.Reset()
	code = defsCommand(t.Context(), []string{"-out=" + dir}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Equal(t, "updated "+defsPath+"\nupdated "+rcPath+"\n", stdout.String())
	rc, err = os.ReadFile(rcPath)
	require.NoError(t, err)
	assert.Contains(t, string(rc), `"format"`)
	assert.Contains(t, string(rc), `"Lua 5.1"`)
}

func TestDefsCommandWritesTheReference(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ref := filepath.Join(dir, "lua-api.md")
	var stdout, stderr bytes.Buffer
	code := defsCommand(t.Context(), []string{"--out", dir, "--docs", ref}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	assert.Contains(t, stdout.String(), "wrote "+ref+"\n")
	got, err := os.ReadFile(ref)
	require.NoError(t, err)
	assert.Equal(t, string(luadefs.GenerateReference()), string(got))
}

func TestDefsCommandUsage(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args []string
		code int
		err  string
	}{
		"unknown flag":   {[]string{"--bogus"}, exitUsage, "unknown flag --bogus"},
		"argument":       {[]string{"extra"}, exitUsage, `unexpected argument "extra"`},
		"empty out":      {[]string{"--out="}, exitUsage, "--out must name a directory"},
		"missing value":  {[]string{"--out"}, exitUsage, "flag needs an argument"},
		"unwritable dir": {[]string{"--out", "/dev/null/x"}, exitFailure, "flyscript defs:"},
	} {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := defsCommand(t.Context(), tc.args, &stdout, &stderr)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.err)
			assert.Empty(t, stdout.String())
		})
	}
}
