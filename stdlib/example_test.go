package stdlib_test

import (
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

func ExampleOpen() {
	L := lua.NewState()
	defer L.Close()
	if err := stdlib.Open(L, stdlib.Config{Stdout: os.Stdout, LogLevel: "warn"}); err != nil {
		panic(err)
	}
	err := L.DoString(`
		local m = json.decode('{"id":"148e","config":{"guest":{"cpus":1}},"mounts":[]}')
		print(json.encode(m))
		print(inspect(m))
		os.exit(3)
	`)
	if e, ok := stdlib.AsExit(err); ok {
		fmt.Println("exit code", e.Code)
	}
	// Output:
	// {"config":{"guest":{"cpus":1}},"id":"148e","mounts":[]}
	// { config = { guest = { cpus = 1 } }, id = "148e", mounts = {} }
	// exit code 3
}

func ExampleFromJSON() {
	L := lua.NewState()
	defer L.Close()
	v, err := stdlib.FromJSON(L, []byte(`{"id":"148e","region":null,"cpus":2}`), stdlib.NullAsNil())
	if err != nil {
		panic(err)
	}
	fmt.Println(stdlib.Inspect(v, stdlib.InspectOptions{}))
	out, _ := stdlib.ToJSON(v)
	fmt.Println(string(out))
	// Output:
	// { cpus = 2, id = "148e" }
	// {"cpus":2,"id":"148e"}
}

func ExampleEncoder() {
	L := lua.NewState()
	defer L.Close()
	if err := L.DoString(`body = { config = { image = "nginx", mounts = {} } }`); err != nil {
		panic(err)
	}
	enc := stdlib.Encoder{
		Indent:     "  ",
		EmptyArray: func(p stdlib.Path) bool { return p.String() == "config.mounts" },
	}
	out, err := enc.Encode(L.GetGlobal("body"))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
	// Output:
	// {
	//   "config": {
	//     "image": "nginx",
	//     "mounts": []
	//   }
	// }
}
