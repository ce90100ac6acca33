package luapattern_test

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib/luapattern"
)

// benchCases are common uses of the four functions, as scripts write them.
var benchCases = []struct {
	name, script string
}{
	{"find literal", `return string.find(line, "status=")`},
	{"find digits", `return string.find(line, "%d+")`},
	{"match trim", `return string.match(padded, "^%s*(.-)%s*$")`},
	{"match key=value", `return string.match(line, "(%w+)=(%w+)")`},
	{"gmatch words", `local n = 0 for w in string.gmatch(line, "%a+") do n = n + 1 end return n`},
	{"gmatch split", `local n = 0 for f in string.gmatch(csv, "[^,]+") do n = n + 1 end return n`},
	{"gsub spaces", `return string.gsub(text, "%s+", " ")`},
	{"gsub captures", `return string.gsub(line, "(%w+)=(%w+)", "%2=%1")`},
	{"gsub function", `return string.gsub(line, "%w+", string.upper)`},
}

// BenchmarkFunctions runs each case with gopher-lua's string library and
// with ours: compare the ns/op of the two sub-benchmarks of a case.
func BenchmarkFunctions(b *testing.B) {
	for _, c := range benchCases {
		for _, ours := range []bool{false, true} {
			name := c.name + "/gopher-lua"
			if ours {
				name = c.name + "/luapattern"
			}
			b.Run(name, func(b *testing.B) {
				L := lua.NewState()
				defer L.Close()
				if ours {
					luapattern.Install(L, luapattern.Conversions{})
				}
				L.SetContext(b.Context())
				L.SetGlobal("line", lua.LString("2024-05-01T10:00:00Z level=info status=200 path=/v1/apps/web/machines took=12ms"))
				L.SetGlobal("padded", lua.LString("   some value with spaces   "))
				L.SetGlobal("csv", lua.LString(strings.Repeat("field,", 20)))
				L.SetGlobal("text", lua.LString(strings.Repeat("lorem  ipsum\tdolor   sit amet\n", 10)))
				fn, err := L.LoadString(c.script)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					L.Push(fn)
					if err := L.PCall(0, lua.MultRet, nil); err != nil {
						b.Fatal(err)
					}
					L.SetTop(0)
				}
			})
		}
	}
}
