package bindings

const metadataPath = machinePath + "/metadata"

var metadataFuncs = []Func{
	{Name: "fly.metadata.delete", Doc: "Delete a metadata key of a machine.",
		Params:    []Param{machineID, idParam("key", "path:key", "the key")},
		AppScoped: true, noValue: true,
		Ops: []string{"DELETE " + metadataPath + "/{key}"}},
	{Name: "fly.metadata.get", Doc: "Get a machine's metadata table, or one key's value (nil when unset).",
		Params:    []Param{machineID, {Name: "key", Type: "string", Optional: true, Doc: "one key", In: "lua"}},
		AppScoped: true, impl: metadataGetImpl,
		Returns: ret("metadata", "table<string, string>|string|nil", "the table, or the key's value"),
		Ops:     []string{"GET " + metadataPath, "GET " + metadataPath + "/{key}"}},
	{Name: "fly.metadata.put", Doc: "Deprecated form of set(id, {k = v}) (PUT).",
		Params: []Param{machineID, {Name: "metadata", Type: "table<string, string>", Doc: "keys to values", In: "body:metadata"},
			optsParam("machine_version, updated_at")},
		AppScoped: true, opts: optSpec{body: true, omit: []string{"metadata"}}, noValue: true,
		Ops: []string{"PUT " + metadataPath}},
	{Name: "fly.metadata.set", Doc: "Set one key: set(id, key, value); or several in one PATCH: set(id, {k = v}, opts?) (json.null deletes).",
		Params: []Param{machineID,
			{Name: "key", Type: "string|table<string, string>", Doc: "a key, or a table of keys to values", In: "lua"},
			{Name: "value", Type: "string|table", Optional: true, Doc: "the value (with a key), or opts: machine_version, updated_at", In: "lua"}},
		AppScoped: true, impl: metadataSetImpl, noValue: true,
		Ops: []string{"POST " + metadataPath + "/{key}", "PATCH " + metadataPath}},
}

// the forms of fly.metadata.get and fly.metadata.set
var (
	metadataGetAll = &Func{Name: "fly.metadata.get", AppScoped: true,
		Params: []Param{machineID}, Ops: []string{"GET " + metadataPath}}
	metadataGetKey = &Func{Name: "fly.metadata.get", AppScoped: true, unwrap: "value",
		Params: []Param{machineID, idParam("key", "path:key", "the key")},
		Ops:    []string{"GET " + metadataPath + "/{key}"}}
	metadataSetKey = &Func{Name: "fly.metadata.set", AppScoped: true, noValue: true,
		Params: []Param{machineID, idParam("key", "path:key", "the key"), {Name: "value", Type: "string", In: "body:value"}},
		Ops:    []string{"POST " + metadataPath + "/{key}"}}
	metadataSetMany = &Func{Name: "fly.metadata.set", AppScoped: true, noValue: true,
		Params: []Param{machineID, {Name: "metadata", Type: "table<string, string>", In: "body:metadata"}, optsParam("")},
		opts:   optSpec{body: true, omit: []string{"metadata"}},
		Ops:    []string{"PATCH " + metadataPath}}
)
