package luadefs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/stdlib"
)

func TestDocsCoverEveryFunction(t *testing.T) {
	t.Parallel()
	docs := Docs()
	byName := map[string]int{}
	for i, d := range docs {
		_, dup := byName[d.Name]
		require.False(t, dup, "%s twice", d.Name)
		byName[d.Name] = i
		assert.True(t, strings.HasPrefix(d.Signature, d.Name+"("), "signature of %s: %s", d.Name, d.Signature)
		assert.NotEmpty(t, d.Summary, d.Name)
	}
	for _, f := range bindings.Registry() {
		i, ok := byName[f.Name]
		require.True(t, ok, "%s has no help", f.Name)
		d := docs[i]
		assert.Equal(t, strings.Join(f.Ops, ", "), d.Op)
		assert.Equal(t, f.Doc, d.Summary)
		for _, p := range f.Params {
			assert.Contains(t, d.Signature, p.Name, "%s: parameter %s", f.Name, p.Name)
		}
		for _, r := range f.Returns {
			assert.Contains(t, d.Signature, " -> ", f.Name)
			assert.Contains(t, d.Signature, r.Name, "%s: result %s", f.Name, r.Name)
		}
	}
	for _, f := range stdlib.Funcs() {
		assert.Contains(t, byName, f.Name, "host function %s has no help", f.Name)
	}
	assert.Len(t, docs, len(bindings.Registry())+len(stdlib.Funcs()))
}

func TestDocsSignatures(t *testing.T) {
	t.Parallel()
	sig := map[string]string{}
	for _, d := range Docs() {
		sig[d.Name] = d.Signature
	}
	assert.Equal(t, "fly.machines.stop(id, opts?)", sig["fly.machines.stop"])
	assert.Equal(t, "fly.machines.create(body) -> machine", sig["fly.machines.create"])
	assert.Equal(t, "fly.machines.wait(id, state?, opts?) -> result", sig["fly.machines.wait"])
	assert.Equal(t, "fly.request(method, path, body?, opts?) -> body, status", sig["fly.request"])
	assert.Equal(t, "json.encode(value, opts?) -> string", sig["json.encode"], "an unnamed result shows its type")
	assert.Equal(t, "print(...)", sig["print"], "varargs take no ?")
}

func TestLuarcFresh(t *testing.T) {
	t.Parallel()
	data, err := GenerateLuarc(nil, LibraryDir)
	require.NoError(t, err)
	var cfg struct {
		Runtime struct {
			Version string `json:"version"`
		} `json:"runtime"`
		Workspace struct {
			Library []string `json:"library"`
		} `json:"workspace"`
		Diagnostics struct {
			Globals []string `json:"globals"`
		} `json:"diagnostics"`
	}
	require.NoError(t, json.Unmarshal(data, &cfg), "valid JSON: %s", data)
	assert.Equal(t, "Lua 5.1", cfg.Runtime.Version)
	assert.Equal(t, []string{LibraryDir}, cfg.Workspace.Library)
	assert.ElementsMatch(t, []string{"fly", "json", "time", "log", "env", "inspect", "crypto", "base64", "hex"}, cfg.Diagnostics.Globals)
}

func TestLuarcKeepsTheUsersSettings(t *testing.T) {
	t.Parallel()
	existing := `{
  "diagnostics": {"globals": ["vim", "fly"], "disable": ["lowercase-global"]},
  "workspace.library": ["lib"],
  "format": {"enable": false}
}`
	data, err := GenerateLuarc([]byte(existing), LibraryDir)
	require.NoError(t, err)
	var cfg map[string]any
	require.NoError(t, json.Unmarshal(data, &cfg))
	assert.Equal(t, map[string]any{"enable": false}, cfg["format"])
	assert.Equal(t, []any{"lib", LibraryDir}, cfg["workspace.library"], "a dotted key is updated in place")
	assert.NotContains(t, cfg, "workspace", "no second, nested library setting")
	diag := cfg["diagnostics"].(map[string]any)
	assert.Equal(t, []any{"lowercase-global"}, diag["disable"])
	assert.Equal(t, []any{"vim", "fly", "base64", "crypto", "env", "hex", "inspect", "json", "log", "time"}, diag["globals"])
	assert.Equal(t, "Lua 5.1", cfg["runtime"].(map[string]any)["version"])

	again, err := GenerateLuarc(data, LibraryDir)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(again), "updating twice changes nothing")
}

func TestLuarcRejectsWhatItCannotUpdate(t *testing.T) {
	t.Parallel()
	_, err := GenerateLuarc([]byte(`[1, 2]`), LibraryDir)
	assert.ErrorContains(t, err, "not a JSON object")
	_, err = GenerateLuarc([]byte(`{"runtime": "5.1"}`), LibraryDir)
	assert.ErrorContains(t, err, "runtime is not an object")
}

func TestWriteFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, err := WriteFiles(dir)
	require.NoError(t, err)
	defsPath := filepath.Join(dir, LibraryDir, DefsFile)
	rcPath := filepath.Join(dir, LuarcFile)
	assert.Equal(t, []File{{Path: defsPath}, {Path: rcPath}}, files)

	got, err := os.ReadFile(defsPath)
	require.NoError(t, err)
	assert.Equal(t, string(defs()), string(got))

	// the library entry, relative to the .luarc.json, is the folder of fly.d.lua
	rc, err := os.ReadFile(rcPath)
	require.NoError(t, err)
	var cfg struct {
		Workspace struct {
			Library []string `json:"library"`
		} `json:"workspace"`
	}
	require.NoError(t, json.Unmarshal(rc, &cfg))
	require.Len(t, cfg.Workspace.Library, 1)
	_, err = os.Stat(filepath.Join(dir, cfg.Workspace.Library[0], DefsFile))
	assert.NoError(t, err)

	files, err = WriteFiles(dir)
	require.NoError(t, err)
	assert.Equal(t, []File{{Path: defsPath, Updated: true}, {Path: rcPath, Updated: true}}, files)
}

// A .luarc.json or fly.d.lua that is a FIFO hung `flyscript defs` (opening
// it blocks until another end comes); each is refused, naming the file, and
// a .luarc.json that is not JSON is named too.
func TestWriteFilesRefusesWhatIsNoFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rc := filepath.Join(dir, LuarcFile)
	require.NoError(t, syscall.Mkfifo(rc, 0o600))
	done := make(chan error, 1)
	go func() { _, err := WriteFiles(dir); done <- err }()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Equal(t, "cannot read "+rc+": not a regular file (a named pipe)", err.Error())
	case <-time.After(10 * time.Second):
		if w, err := os.OpenFile(rc, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = w.Close()
		}
		t.Fatal("a FIFO as .luarc.json blocked WriteFiles")
	}

	require.NoError(t, os.Remove(rc))
	require.NoError(t, os.WriteFile(rc, []byte("{not json"), 0o644))
	_, err := WriteFiles(dir)
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), rc+": "), err.Error())

	dir = t.TempDir()
	defs := filepath.Join(dir, LibraryDir, DefsFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(defs), 0o755))
	require.NoError(t, syscall.Mkfifo(defs, 0o600))
	_, err = WriteFiles(dir)
	require.Error(t, err)
	assert.Equal(t, "cannot write "+defs+": not a regular file", err.Error())
}
