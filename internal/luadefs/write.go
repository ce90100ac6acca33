package luadefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/flyscript/flyscript/internal/smallfile"
)

// LibraryDir is the folder, next to the .luarc.json, that holds fly.d.lua.
// It is kept out of the workspace root because LuaLS must not be told that
// the whole workspace is a library.
const LibraryDir = "types"

// File is one file WriteFiles wrote.
type File struct {
	// Path is where it was written.
	Path string
	// Updated is set when the file existed and was updated (a .luarc.json
	// keeps the user's other settings), unset when it was created.
	Updated bool
}

// WriteFiles writes the editor files for a project whose root is dir:
// dir/types/fly.d.lua and dir/.luarc.json, which points LuaLS at it.
// An existing .luarc.json is updated, keeping its other settings.
func WriteFiles(dir string) ([]File, error) {
	var out []File
	lib := filepath.Join(dir, LibraryDir)
	if err := os.MkdirAll(lib, 0o755); err != nil {
		return nil, err
	}
	defs := filepath.Join(lib, DefsFile)
	info, statErr := os.Stat(defs)
	if statErr == nil && !info.Mode().IsRegular() {
		// Opening a FIFO to write it blocks until a reader comes.
		return nil, fmt.Errorf("cannot write %s: %w", defs, smallfile.ErrNotRegular)
	}
	if err := os.WriteFile(defs, GenerateDefs(), 0o644); err != nil {
		return nil, err
	}
	out = append(out, File{Path: defs, Updated: statErr == nil})

	rc := filepath.Join(dir, LuarcFile)
	existing, err := smallfile.Read(rc, maxLuarc)
	existed := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out, fmt.Errorf("cannot read %s: %w", rc, smallfile.Reason(err))
	}
	data, err := GenerateLuarc(existing, LibraryDir)
	if err != nil {
		return out, fmt.Errorf("%s: %w", rc, err)
	}
	if err := os.WriteFile(rc, data, 0o644); err != nil {
		return out, err
	}
	return append(out, File{Path: rc, Updated: existed}), nil
}

// maxLuarc is the largest .luarc.json read to keep its settings.
const maxLuarc = 16 << 20
