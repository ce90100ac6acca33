// Package lua embeds flyscript's Lua sources: the sugar written in Lua over
// the Go core (lua/fly/*.lua) and helper modules such as assert.
//
// Every chunk is loaded under its real path in the repository
// ("lua/fly/leases.lua"), so tracebacks point at a file a user can open.
package lua

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *
var files embed.FS

// Source returns the text of one embedded file, named relative to this
// folder: "assert.lua", "fly/leases.lua".
func Source(name string) ([]byte, error) { return files.ReadFile(name) }

// ChunkName is the name a chunk is compiled under: its path in the
// repository, so that error messages and tracebacks name a real file.
func ChunkName(name string) string { return "lua/" + name }

// ModuleName turns a file name into the module name require() knows it by:
// "assert.lua" is "assert", "fly/leases.lua" is "fly.leases".
func ModuleName(name string) string {
	return strings.ReplaceAll(strings.TrimSuffix(name, ".lua"), "/", ".")
}

// Files lists every embedded .lua file, sorted.
func Files() []string {
	var out []string
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lua") {
			out = append(out, p)
		}
		return nil
	})
	sort.Strings(out)
	return out
}
