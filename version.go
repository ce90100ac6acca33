package flyscript

import "runtime/debug"

// version is set at link time (-ldflags "-X github.com/flyscript/flyscript.version=v1.2.3");
// otherwise Version reads the module version from the build information.
var version = ""

// Version returns flyscript's version: the one set at link time, else the
// module version `go install` recorded, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Path == "github.com/flyscript/flyscript" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			return info.Main.Version
		}
		for _, dep := range info.Deps {
			if dep.Path == "github.com/flyscript/flyscript" && dep.Version != "" {
				return dep.Version
			}
		}
	}
	return "devel"
}
