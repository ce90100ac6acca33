package bindings

var secretName = idParam("name", "path:secret_name", "the secret's name")

var secretsFuncs = []Func{
	{Name: "fly.secrets.delete", Doc: "Delete a secret.",
		Params: []Param{secretName}, AppScoped: true,
		Returns: ret("result", "fly.DeleteAppSecretResponse", "{version}"),
		Ops:     []string{"DELETE /v1/apps/{app_name}/secrets/{secret_name}"}},
	{Name: "fly.secrets.get", Doc: "Get a secret (its value only with opts.show_secrets).",
		Params: []Param{secretName, optsParam("show_secrets, min_version")}, AppScoped: true,
		opts:    optSpec{query: true},
		Returns: ret("secret", "fly.AppSecret", "the secret"),
		Ops:     []string{"GET /v1/apps/{app_name}/secrets/{secret_name}"}},
	{Name: "fly.secrets.list", Doc: "List the app's secrets.",
		Params: []Param{optsParam("show_secrets, min_version")}, AppScoped: true,
		opts: optSpec{query: true}, unwrap: "secrets",
		Returns: ret("secrets", "fly.AppSecret[]", "the secrets"),
		Ops:     []string{"GET /v1/apps/{app_name}/secrets"}},
	{Name: "fly.secrets.set", Example: `fly.secrets.set{ SESSION_KEY = crypto.random_hex(32) }`, Doc: "Set one secret: set(name, value); or several in one update: set{NAME = value, ...} (json.null deletes).",
		Params: []Param{
			{Name: "name", Type: "string|table<string, string>", Doc: "the secret's name, or a table of names to values", In: "lua"},
			{Name: "value", Type: "string", Optional: true, Doc: "the value, with a name", In: "lua"}},
		AppScoped: true, impl: secretsSetImpl,
		Returns: ret("result", "fly.SetAppSecretResponse|fly.AppSecretsUpdateResp", "the API's answer"),
		Ops:     []string{"POST /v1/apps/{app_name}/secrets/{secret_name}", "POST /v1/apps/{app_name}/secrets"}},
}

// secretsSetOne and secretsSetMany are the two forms of fly.secrets.set.
var (
	secretsSetOne = &Func{Name: "fly.secrets.set", AppScoped: true,
		Params: []Param{secretName, {Name: "value", Type: "string", In: "body:value"}},
		Ops:    []string{"POST /v1/apps/{app_name}/secrets/{secret_name}"}}
	secretsSetMany = &Func{Name: "fly.secrets.set", AppScoped: true,
		Params: []Param{{Name: "values", Type: "table<string, string>", In: "body:values"}},
		Ops:    []string{"POST /v1/apps/{app_name}/secrets"}}
)
