package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/flyscript/flyscript"
)

// versionText is what --version prints: flyscript's version, the
// gopher-lua it was built with and the Go toolchain.
func versionText() string {
	luaVersion := "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/yuin/gopher-lua" {
				luaVersion = dep.Version
				if dep.Replace != nil {
					luaVersion = dep.Replace.Version
				}
			}
		}
	}
	return fmt.Sprintf("flyscript %s\ngopher-lua %s (Lua 5.1)\n%s %s/%s\n",
		flyscript.Version(), luaVersion, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
