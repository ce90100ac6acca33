package bindings

var topFuncs = []Func{
	{Name: "fly.app", Doc: "A handle with the app-scoped namespaces bound to an app (the default app without a name).",
		Params:  []Param{{Name: "name", Type: "string", Optional: true, Doc: "app name", In: "lua"}},
		Returns: ret("app", "fly.AppHandle", "machines, volumes, leases, metadata, secrets, secretkeys, certificates, ips, and name")},
	{Name: "fly.parallel", Example: `local states = fly.parallel(fly.machines.list(), function(m)
  fly.machines.restart(m)
  return fly.machines.wait(m, "started").state
end, { concurrency = 4, progress = "restarting" })`, Doc: "Call fn(item, i) for each item, at most opts.concurrency at a time; the results in item order. " +
		"When items fail (without collect) it raises one error once the others finish: \"fly.parallel: 2 of 3 items failed\", " +
		"then the first failed items' errors by index, in full, and the indexes of the others; its errors field has them all.",
		Params: []Param{
			{Name: "items", Type: "any[]", Doc: "the items", In: "lua"},
			{Name: "fn", Type: "fun(item: any, i: integer): any", Doc: "runs as a task for each item", In: "lua"},
			optsParam("concurrency (default 8), collect, progress")},
		opts: optSpec{extra: []Field{
			{Name: "concurrency", Type: "integer", Doc: "how many calls run at once", Default: "8"},
			{Name: "collect", Type: "boolean", Doc: "return results, errors instead of raising"},
			{Name: "progress", Type: "string|false", Doc: "label of the progress bar drawn on stderr when it is a terminal; false for none", Default: `"fly.parallel"`}}},
		Returns: []Value{{Name: "results", Type: "any[]", Doc: "fn's first result for each item, in item order"},
			{Name: "errors", Type: "table<integer, fly.Error>", Doc: "with collect: the errors by item index"}}},
	{Name: "fly.request", Doc: "A raw API call with auth, retries and errors, for what the document does not know yet.",
		Params: []Param{
			{Name: "method", Type: "string", Doc: `"GET", "POST", ...`, In: "lua"},
			{Name: "path", Type: "string", Doc: `as the document writes it: "/v1/apps/my-app"`, In: "lua"},
			{Name: "body", Type: "any", Optional: true, Doc: "sent as JSON, unchecked", In: "lua"},
			{Name: "opts", Type: "table", Optional: true, Doc: "query = {k = v}, nonce", In: "lua"}},
		Returns: []Value{{Name: "body", Type: "any", Doc: "the decoded answer"},
			{Name: "status", Type: "integer", Doc: "the HTTP status"}},
		impl: requestImpl},
	{Name: "fly.spawn", Doc: "Run fn(...) as a task: fly calls inside it yield while Go does the request. Tasks run while the script waits (task:wait(), fly.parallel, time.sleep); a task still running when the script (at the REPL, the line) ends is stopped (its leases released) and named in a warning on stderr, as is a task that failed with nothing waiting for it.",
		Params: []Param{
			{Name: "fn", Type: "function", Doc: "the task's body", In: "lua"},
			{Name: "...", Type: "any", Optional: true, Doc: "arguments for fn", In: "lua"}},
		Returns: ret("task", "fly.Task", "task:wait() returns fn's results or raises its error"),
		impl:    spawnImpl},
	{Name: "fly.use", Doc: "Make an app the default of the app-scoped namespaces; returns its handle.",
		Params:  []Param{{Name: "name", Type: "string", Doc: "app name", In: "lua"}},
		Returns: ret("app", "fly.AppHandle", "the app's handle")},
}

// The handle makers refer back to the registry, so they are attached here
// rather than in the table's initializer.
func init() {
	for i := range topFuncs {
		switch topFuncs[i].Name {
		case "fly.app":
			topFuncs[i].impl = appImpl
		case "fly.use":
			topFuncs[i].impl = useImpl
		}
	}
}
