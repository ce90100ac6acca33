package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/flyscript/flyscript/internal/luadefs"
)

const defsUsage = `usage: flyscript defs [flags]

Writes editor definitions of the Lua API for lua-language-server (LuaLS):
DIR/types/fly.d.lua, with every function of fly, json, time, log, env
and inspect and a class for every request and response shape (fly.Machine,
fly.MachineConfig, ...), and DIR/.luarc.json, which points LuaLS at it
(Lua 5.1, the library folder, the script globals). An existing .luarc.json
keeps its other settings. Run it in the folder you open in your editor.

flags:
`

// defsCommand writes the LuaLS definitions: `flyscript defs [--out DIR]
// [--docs FILE]`. Exit codes: 0 written, 1 when a file cannot be written,
// 2 on bad flags.
func defsCommand(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newSubcommandFlags("defs")
	out := fs.String("out", ".", "write .luarc.json and types/fly.d.lua into this `dir` (the editor's workspace)")
	docs := fs.String("docs", "", "also write the Markdown API reference to this `file` (as docs/lua-api.md)")
	if code, ok := parseSubcommandFlags(fs, args, defsUsage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "flyscript defs: unexpected argument %q\nrun 'flyscript help defs' for the flags\n", fs.Arg(0))
		return exitUsage
	}
	if *out == "" {
		_, _ = fmt.Fprintln(stderr, "flyscript defs: --out must name a directory\nrun 'flyscript help defs' for the flags")
		return exitUsage
	}

	files, err := luadefs.WriteFiles(*out)
	for _, f := range files {
		verb := "wrote"
		if f.Updated {
			verb = "updated"
		}
		_, _ = fmt.Fprintf(stdout, "%s %s\n", verb, f.Path)
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "flyscript defs: %v\n", err)
		return exitFailure
	}
	if *docs != "" {
		if err := os.WriteFile(*docs, luadefs.GenerateReference(), 0o644); err != nil {
			_, _ = fmt.Fprintf(stderr, "flyscript defs: %v\n", err)
			return exitFailure
		}
		_, _ = fmt.Fprintf(stdout, "wrote %s\n", *docs)
	}
	return exitOK
}
