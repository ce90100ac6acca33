package bindings

var orgSlug = idParam("org", "path:org_slug", "organization slug")

var orgsFuncs = []Func{
	{Name: "fly.orgs.machines", Doc: "List the machines of every app of an organization (every page unless opts.limit).",
		Params: []Param{orgSlug, optsParam("region, state, updated_after, include_deleted, summary, limit, cursor")},
		opts:   optSpec{query: true, extra: []Field{stateFilter}}, unwrap: "machines", paging: pageBody,
		Returns: ret("machines", "fly.OrgMachine[]", "the machines"),
		Ops:     []string{"GET /v1/orgs/{org_slug}/machines"}},
	{Name: "fly.orgs.volumes", Doc: "List the volumes of every app of an organization (every page unless opts.limit).",
		Params: []Param{orgSlug, optsParam("region, state, updated_after, include_deleted, summary, limit, cursor")},
		opts:   optSpec{query: true}, unwrap: "volumes", paging: pageBody,
		Returns: ret("volumes", "fly.OrgVolume[]", "the volumes"),
		Ops:     []string{"GET /v1/orgs/{org_slug}/volumes"}},
}
