package bindings

var ipsFuncs = []Func{
	{Name: "fly.ips.assign", Doc: "Assign a new IP address to the app.",
		Params:    []Param{bodyParam("assignIPRequest", false, "type, region, network, service_name, org_slug")},
		AppScoped: true, Returns: ret("ip", "fly.AssignIPResponse", "the assignment"),
		Ops: []string{"POST /v1/apps/{app_name}/ip_assignments"}},
	{Name: "fly.ips.list", Doc: "List the app's IP assignments.",
		AppScoped: true, unwrap: "ips",
		Returns: ret("ips", "fly.IPAssignment[]", "the assignments"),
		Ops:     []string{"GET /v1/apps/{app_name}/ip_assignments"}},
	{Name: "fly.ips.release", Doc: "Remove an IP assignment from the app.",
		Params: []Param{idParam("ip", "path:ip", "the address")}, AppScoped: true, noValue: true,
		Ops: []string{"DELETE /v1/apps/{app_name}/ip_assignments/{ip}"}},
}
