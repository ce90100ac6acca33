package bindings

var appName = refParam("name", "path:app_name", "fly.App", "app name")

var appsFuncs = []Func{
	{Name: "fly.apps.create", Example: `fly.apps.create{ name = "my-app" } -- org_slug defaults to "personal"`, Doc: "Create an app (in the \"personal\" organization unless org_slug says otherwise).",
		Params:  []Param{bodyParam("CreateAppRequest", false, "name, org_slug (default \"personal\"), network, ...")},
		impl:    appsCreateImpl,
		Returns: ret("app", "fly.CreatedApp", "{id, created_at, name}: the answer, with the name it was created with, so it stands in for the app"),
		Ops:     []string{"POST /v1/apps"}},
	{Name: "fly.apps.deploy_token", Doc: "Create a deploy token for an app.",
		Params:  []Param{appName, bodyParam("CreateAppDeployTokenRequest", true, "expiry")},
		Returns: ret("result", "fly.CreateAppDeployTokenResponse", "{token}"),
		Ops:     []string{"POST /v1/apps/{app_name}/deploy_token"}},
	{Name: "fly.apps.destroy", Doc: "Destroy an app; opts.force stops its machines first.",
		Params: []Param{appName, optsParam("force")},
		opts:   optSpec{extra: []Field{{Name: "force", Type: "boolean", Doc: "stop the app's machines and destroy it", in: "query"}}},
		Ops:    []string{"DELETE /v1/apps/{app_name}"}, noValue: true},
	{Name: "fly.apps.exists", Doc: "Whether an app exists (a 404 is false).",
		Params: []Param{appName}, impl: existsImpl,
		Returns: ret("exists", "boolean", "true when the app exists"),
		Ops:     []string{"GET /v1/apps/{app_name}"}},
	{Name: "fly.apps.get", Doc: "Get an app.",
		Params:  []Param{appName},
		Returns: ret("app", "fly.App", "the app"),
		Ops:     []string{"GET /v1/apps/{app_name}"}},
	{Name: "fly.apps.list", Doc: "List an organization's apps (every page unless opts.limit).",
		Params: []Param{optsParam("org_slug (default \"personal\"), app_role, limit, cursor")},
		opts: optSpec{query: true, extra: []Field{
			{Name: "org_slug", Type: "string", Doc: "the organization", Default: `"personal"`}}},
		unwrap: "apps", paging: pageBody,
		Returns: ret("apps", "fly.App[]", "the apps"),
		Ops:     []string{"GET /v1/apps"}},
}
