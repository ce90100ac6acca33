package bindings

var topFuncs = []Func{
	{Name: "fly.app", Doc: "A handle with the app-scoped namespaces bound to an app (the default app without a name).",
		Params:  []Param{{Name: "name", Type: "string", Optional: true, Doc: "app name", In: "lua"}},
		Returns: ret("app", "fly.AppHandle", "machines, volumes, leases, metadata, secrets, secretkeys, certificates, ips, and name")},
	{Name: "fly.request", Doc: "A raw API call with auth, retries and errors, for what the document does not know yet.",
		Params: []Param{
			{Name: "method", Type: "string", Doc: `"GET", "POST", ...`, In: "lua"},
			{Name: "path", Type: "string", Doc: `as the document writes it: "/v1/apps/my-app"`, In: "lua"},
			{Name: "body", Type: "any", Optional: true, Doc: "sent as JSON, unchecked", In: "lua"},
			{Name: "opts", Type: "table", Optional: true, Doc: "query = {k = v}, nonce", In: "lua"}},
		Returns: []Value{{Name: "body", Type: "any", Doc: "the decoded answer"},
			{Name: "status", Type: "integer", Doc: "the HTTP status"}},
		impl: requestImpl},
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
