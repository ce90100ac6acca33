package testrun

import "github.com/flyscript/flyscript/stdlib"

// Globals are the globals a test file has on top of a script's.
var Globals = []string{"run", "sim", "test"}

// Funcs describes the functions of test files (test, sim.*, run) for
// `flyscript defs` and docs/lua-api.md. A test holds it against the
// functions install registers.
func Funcs() []stdlib.Func {
	opt := func(name, typ string) stdlib.Param { return stdlib.Param{Name: name, Type: typ, Optional: true} }
	req := func(name, typ string) stdlib.Param { return stdlib.Param{Name: name, Type: typ} }
	ret := func(name, typ string) []stdlib.Param { return []stdlib.Param{{Name: name, Type: typ}} }
	const request = "{op: string, method: string, path: string, query?: string, status: integer, body?: any, time: number}[]"
	const failure = "{op: string, status?: integer, reset?: boolean, delay?: number|string, times?: integer, machine?: string|fly.Machine}"
	return []stdlib.Func{
		{Name: "run", Params: []stdlib.Param{req("path", "string"), opt("...", "string|number|{app?: string, env?: table<string, string>, stdin?: string}")},
			Returns: ret("result", "{ok: boolean, exit: integer, stdout: string, stderr: string, error?: string}"),
			Doc:     "Runs a script (relative to the test file) as `flyscript path args...` would, in a fresh VM against the test's simulator and clock; a last table gives app, env and stdin."},
		{Name: "sim.advance", Params: []stdlib.Param{req("d", "number|string")}, Returns: ret("now", "number"),
			Doc: `Moves the simulator's clock forward by d (seconds or "48h"): transitions, lease expiries and waits due on the way happen; returns the new time.`},
		{Name: "sim.fail", Params: []stdlib.Param{req("failure", failure)},
			Doc: "Makes the next times (default 1) requests of an operation (by OpenAPI operationId, on one machine if given) fail with a status, a dropped connection (reset) or a delay."},
		{Name: "sim.load", Params: []stdlib.Param{req("file", "string")},
			Doc: "Replaces the simulator's state with a state file (the format of --state and sim.save), relative to the test file; the file is only read."},
		{Name: "sim.now", Returns: ret("now", "number"),
			Doc: "Returns the simulator's clock in seconds since the epoch (what time.now() reads in a test)."},
		{Name: "sim.options", Params: []stdlib.Param{req("options", `{rate_limits?: boolean, timings?: "instant"|"real"}`)},
			Doc: "Rebuilds the simulator with the documented rate limits on or off and instant or its usual transition times (on the virtual clock), keeping its state."},
		{Name: "sim.requests", Params: []stdlib.Param{opt("op", "string")}, Returns: ret("requests", request),
			Doc: "Returns the requests the simulator answered in this test, oldest first (only those of operation op when given); body is the decoded JSON body."},
		{Name: "sim.save", Params: []stdlib.Param{req("file", "string")},
			Doc: "Writes the simulator's state to a file (relative to the test file) that sim.load and --state read."},
		{Name: "test", Params: []stdlib.Param{req("name", "string"), req("fn", "fun()")},
			Doc: "Registers a test (top level only); each runs against a fresh simulator in virtual time, the file's tests in order."},
	}
}
