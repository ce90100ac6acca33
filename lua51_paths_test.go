package flyscript

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gopherEntryPoints are gopher-lua's ways to compile or run Lua, or to
// catch its errors, that bypass internal/lua51: a chunk compiled by them
// misses its rewrites, and a protected call made by them closes the wrong
// upvalues.
var gopherEntryPoints = regexp.MustCompile(`([\w()]+)\.(PCall|DoString|DoFile|LoadString|LoadFile|CallByParam|Resume)\(|\b(L)\.Load\(|lua\.(NewState\(\)|Compile\(|NewState\(lua\.Options)|parse\.Parse\(`)

// TestLuaRunsThroughTheLayer checks that scripts, -e, Eval, RunSource, the
// REPL, the bindings and the scheduler compile and call Lua through
// internal/lua51 only: no code outside it (tests, doc comments and the
// benchmark programs of internal/bench aside) uses gopher-lua's own entry
// points.
func TestLuaRunsThroughTheLayer(t *testing.T) {
	t.Parallel()
	var found []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			// internal/bench holds scripts/bench.sh's start-up floors,
			// programs that measure a bare gopher-lua state on purpose.
			if path == filepath.Join("internal", "lua51") || path == filepath.Join("internal", "bench") ||
				(path != "." && strings.HasPrefix(d.Name(), ".")) || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			for _, m := range gopherEntryPoints.FindAllStringSubmatch(code, -1) {
				if m[1] == "lua51" {
					continue // the layer's own PCall, Resume and Load
				}
				found = append(found, path+":"+strconv.Itoa(i+1)+": "+strings.TrimSpace(line))
			}
		}
		return nil
	})
	require.NoError(t, err)
	assert.Empty(t, found, "gopher-lua called directly; go through internal/lua51 (Load, Compile, PCall, Call, Resume)")
}
