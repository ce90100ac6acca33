package bindings

const volumePath = "/v1/apps/{app_name}/volumes/{volume_id}"

var volumeID = refParam("id", "path:volume_id", "fly.Volume", "volume ID")

var volumesFuncs = []Func{
	{Name: "fly.volumes.create", Example: `local v = fly.volumes.create{ name = "data", region = "ord", size_gb = 10 }`, Doc: "Create a volume.",
		Params:  []Param{bodyParam("CreateVolumeRequest", false, "name, region, size_gb, ...")},
		Returns: ret("volume", "fly.Volume", "the new volume"), AppScoped: true,
		Ops: []string{"POST /v1/apps/{app_name}/volumes"}},
	{Name: "fly.volumes.destroy", Doc: "Destroy a volume.",
		Params: []Param{volumeID}, AppScoped: true,
		Returns: ret("volume", "fly.Volume", "the volume, state destroyed"),
		Ops:     []string{"DELETE " + volumePath}},
	{Name: "fly.volumes.extend", Doc: "Grow a volume.",
		Params:    []Param{volumeID, {Name: "size_gb", Type: "integer", Doc: "the new size", In: "body:size_gb"}},
		AppScoped: true, Returns: ret("result", "fly.ExtendVolumeResponse", "{volume, needs_restart}"),
		Ops: []string{"PUT " + volumePath + "/extend"}},
	{Name: "fly.volumes.get", Doc: "Get a volume.",
		Params: []Param{volumeID}, AppScoped: true,
		Returns: ret("volume", "fly.Volume", "the volume"),
		Ops:     []string{"GET " + volumePath}},
	{Name: "fly.volumes.list", Doc: "List the app's volumes (every page unless opts.limit).",
		Params: []Param{optsParam("summary, limit, cursor")}, AppScoped: true,
		opts: optSpec{query: true}, paging: pageHeader,
		Returns: ret("volumes", "fly.Volume[]", "the volumes"),
		Ops:     []string{"GET /v1/apps/{app_name}/volumes"}},
	{Name: "fly.volumes.snapshot", Doc: "Take a snapshot of a volume now.",
		Params: []Param{volumeID}, AppScoped: true, noValue: true,
		Ops: []string{"POST " + volumePath + "/snapshots"}},
	{Name: "fly.volumes.snapshots", Doc: "List a volume's snapshots.",
		Params: []Param{volumeID}, AppScoped: true,
		Returns: ret("snapshots", "fly.VolumeSnapshot[]", "the snapshots"),
		Ops:     []string{"GET " + volumePath + "/snapshots"}},
	{Name: "fly.volumes.update", Doc: "Update a volume's snapshot settings.",
		Params:  []Param{volumeID, bodyParam("UpdateVolumeRequest", false, "auto_backup_enabled, snapshot_retention")},
		Returns: ret("volume", "fly.Volume", "the volume"), AppScoped: true,
		Ops: []string{"PUT " + volumePath}},
}
