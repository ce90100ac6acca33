package luadiag

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	lua "github.com/yuin/gopher-lua"
)

// recordings reads dir/lua51.txt, C Lua 5.1's first line of error output
// for each case (testdata/record.sh writes it).
func recordings(t *testing.T, dir string) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", dir, "lua51.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, msg, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("bad recording line %q", sc.Text())
		}
		out[name] = msg
	}
	return out
}

// acceptedByGopherLua are the cases Lua 5.1 refuses and gopher-lua's
// parser compiles: Lua52Syntax finds them (internal/lua51 calls it on a
// chunk gopher-lua took).
var acceptedByGopherLua = map[string]bool{
	"ambiguous_call":      true,
	"escape_too_large":    true,
	"nested_long_string":  true,
	"nested_long_comment": true,
	"empty_statement":     true,
	"double_semicolon":    true,
}

// TestSyntaxMatchesLua51 compiles every case of testdata/syntax with
// gopher-lua and checks that Syntax turns the failure into the message C
// Lua 5.1 gives, word for word.
func TestSyntaxMatchesLua51(t *testing.T) {
	want := recordings(t, "syntax")
	files, _ := filepath.Glob("testdata/syntax/*.lua")
	if len(files) < 40 {
		t.Fatalf("%d syntax cases, want at least 40", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".lua")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			chunk := name + ".lua"
			L := lua.NewState()
			defer L.Close()
			_, err = L.Load(bytes.NewReader(src), chunk)
			if err == nil {
				if !acceptedByGopherLua[name] {
					t.Fatalf("gopher-lua compiles it; Lua 5.1 says %q", want[name])
				}
				se := Lua52Syntax(chunk, src)
				if se == nil || se.Error() != want[name] {
					t.Errorf("Lua52Syntax: got %v\nwant %q (lua5.1)", se, want[name])
				}
				return
			}
			if acceptedByGopherLua[name] {
				t.Fatalf("gopher-lua refuses it: %v", err)
			}
			got := Syntax(chunk, src, err).Error()
			if got != want[name] {
				t.Errorf("got  %q\nwant %q (lua5.1)", got, want[name])
			}
		})
	}
}

// lua52Files are files of gopher-lua's copy of the Lua 5.1 test suite that
// gopher-lua compiles and C Lua 5.1 refuses (luac5.1 -p), with its error.
var lua52Files = map[string]string{
	"pm.lua": "89: unexpected symbol near ';'", // for k=i, j do; ...: an empty statement
}

// TestCheckAcceptsValidLua reads every Lua file of the repository that
// gopher-lua compiles, and the Lua 5.1 test suite shipped with gopher-lua
// when the module cache has it: the checker must find no error in any of
// them (but the error C Lua 5.1 finds in those of lua52Files), or Syntax
// would blame a correct line.
func TestCheckAcceptsValidLua(t *testing.T) {
	var files []string
	filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".lua") && !strings.Contains(path, "luadiag/testdata") {
			files = append(files, path)
		}
		return nil
	})
	if dir := lua51Tests(); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "*.lua"))
		files = append(files, more...)
	}
	if len(files) < 10 {
		t.Fatalf("only %d Lua files found", len(files))
	}
	checked := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(src, []byte("#")) {
			src = src[bytes.IndexByte(src, '\n'):]
		}
		L := lua.NewState()
		_, err = L.Load(bytes.NewReader(src), file)
		L.Close()
		if err != nil {
			continue
		}
		checked++
		line, msg, found := check(src)
		if want, ok := lua52Files[filepath.Base(file)]; ok && strings.Contains(file, "_lua5.1-tests") {
			if got := fmt.Sprintf("%d: %s", line, msg); !found || got != want {
				t.Errorf("%s: got %s, want Lua 5.1's error %s", file, got, want)
			}
			continue
		}
		if found {
			t.Errorf("%s:%d: %s (gopher-lua compiles it)", file, line, msg)
		}
	}
	t.Logf("%d files checked", checked)
}

// lua51Tests is gopher-lua's copy of the Lua 5.1 test suite, or "".
func lua51Tests() string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/yuin/gopher-lua").Output()
	if err != nil {
		return ""
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "_lua5.1-tests")
	if _, err := os.Stat(dir); err != nil {
		return ""
	}
	return dir
}

// TestCheckRefusesLua52Statements: goto statements and labels are Lua
// 5.2 (gopher-lua's parser takes them; internal/lua51 refuses them): the
// checker finds C Lua 5.1's error there, and reads goto as a name.
func TestCheckRefusesLua52Statements(t *testing.T) {
	cases := map[string]string{
		"for i = 1, 3 do\n  if i == 2 then goto continue end\n  ::continue::\nend\n": "2: '=' expected near 'continue'",
		"::top::\nprint(1)\n": "1: unexpected symbol near ':'",
		"x = 1\n:: top ::\n":  "2: unexpected symbol near ':'",
		"goto x\n":            "1: '=' expected near 'x'",
	}
	for src, want := range cases {
		line, msg, found := check([]byte(src))
		assert.True(t, found, src)
		assert.Equal(t, want, fmt.Sprintf("%d: %s", line, msg), src)
	}
	if _, msg, found := check([]byte("local goto = 1\ngoto = goto + 1\n")); found {
		t.Errorf("goto as a name (Lua 5.1): %s", msg)
	}
}

// TestSyntaxHostileInput feeds what a careless or hostile author might:
// deep nesting stops at C Lua's limit instead of exhausting the stack, and
// huge or binary input gives a message, never a panic.
func TestSyntaxHostileInput(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"deep parens", "x = " + strings.Repeat("(", 100000) + "1", "x:1: chunk has too many syntax levels"},
		{"deep blocks", strings.Repeat("do ", 100000), "x:1: chunk has too many syntax levels"},
		{"long operator chain is not deep", "x = 1" + strings.Repeat(" + 1", 100000) + " +", "x:1: unexpected symbol near '<eof>'"},
		{"control character", "x = \x01", "x:1: unexpected symbol near 'char(1)'"},
		{"huge unfinished string", "x = '" + strings.Repeat("a", 1<<20), "x:1: unfinished string near '<eof>'"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, msg, found := check([]byte(c.src))
			got := ""
			if found {
				got = (&SyntaxError{Chunk: "x", Line: line, Reason: msg}).Error()
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// FuzzSyntax: whatever the chunk, Syntax describes a refused chunk with a
// "chunk:line: reason" (or "chunk: reason") message and never panics, and
// the checker never finds an error in a chunk gopher-lua compiles unless
// Lua 5.1 refuses it too (checked on the seeds by TestCheckAcceptsValidLua).
// go test ./internal/luadiag -run '^$' -fuzz FuzzSyntax -fuzztime 1m
func FuzzSyntax(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*.lua")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		defer L.Close()
		_, err := L.Load(bytes.NewReader(src), "f.lua")
		if err == nil {
			return
		}
		se := Syntax("f.lua", src, err)
		if se.Reason == "" || !strings.HasPrefix(se.Error(), "f.lua") {
			t.Fatalf("bad message %q for %q", se.Error(), src)
		}
	})
}

// TestLexemes: names (goto among them) and numerals (hexadecimal ones with
// an exponent too) with their offsets, nothing from strings or comments;
// a lexical error stops the scan.
func TestLexemes(t *testing.T) {
	src := []byte("goto = 0x1p4 -- goto 1\nlocal s = \"goto\" .. t.goto(1e5)")
	var got []string
	ok := Lexemes(src, func(lx Lexeme) {
		kind := "name"
		if lx.Numeral {
			kind = "numeral"
		}
		got = append(got, fmt.Sprintf("%s %s@%d", kind, src[lx.Start:lx.End], lx.Start))
	})
	assert.True(t, ok)
	assert.Equal(t, []string{"name goto@0", "numeral 0x1p4@7", "name s@29", "name t@43", "name goto@45", "numeral 1e5@50"}, got)

	assert.False(t, Lexemes([]byte("x = 1e + goto"), func(Lexeme) {}))
}
