package bindings

var platformFuncs = []Func{
	{Name: "fly.platform.placements", Doc: "Ask where machines with the given needs could be placed.",
		Params:  []Param{bodyParam("main.getPlacementsRequest", false, "org_slug, region, count, compute, ...")},
		unwrap:  "regions",
		Returns: ret("regions", "table[]", "the candidate regions"),
		Ops:     []string{"POST /v1/platform/placements"}},
	{Name: "fly.platform.regions", Doc: "List the platform's regions, and the nearest one.",
		impl: regionsImpl,
		Returns: []Value{{Name: "regions", Type: "fly.main.regionRow[]", Doc: "the regions"},
			{Name: "nearest", Type: "string", Doc: "the region nearest to the caller"}},
		Ops: []string{"GET /v1/platform/regions"}},
}
