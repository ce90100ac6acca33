package testrun

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Suffix names test files.
const Suffix = "_test.lua"

// Discover returns the test files under paths, sorted and without
// duplicates: a file given by name is taken whatever its name, unless it is
// a script x.lua beside its x_test.lua (running the script as a test file
// is not testing it); a folder is
// searched recursively for *_test.lua, skipping folders whose name starts
// with "." (.git and the like). A path that does not exist is an error.
func Discover(paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		p = filepath.Clean(p)
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", root, errors.Unwrap(err))
		}
		if !info.IsDir() {
			if tests := siblingTests(root); tests != "" {
				return nil, fmt.Errorf("%s is a script, not a test file: its tests are in %s (flyscript test %s)", root, tests, tests)
			}
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), Suffix) && d.Type().IsRegular() {
				add(p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// siblingTests is the x_test.lua beside a script x.lua, or "" when path
// is a test file itself or has no such sibling.
func siblingTests(path string) string {
	if strings.HasSuffix(path, Suffix) || !strings.HasSuffix(path, ".lua") {
		return ""
	}
	tests := strings.TrimSuffix(path, ".lua") + Suffix
	if info, err := os.Stat(tests); err == nil && info.Mode().IsRegular() {
		return tests
	}
	return ""
}
