package bindings

const leasePath = machinePath + "/lease"

var leasesFuncs = []Func{
	{Name: "fly.leases.acquire", Doc: "Acquire a lease on a machine.",
		Params: []Param{machineID, optsParam("ttl, description")}, AppScoped: true,
		opts: optSpec{body: true, extra: []Field{
			{Name: "ttl", Type: "duration", Doc: "how long the lease lasts", enc: "seconds"}}},
		unwrap:  "data",
		Returns: ret("lease", "fly.Lease", "the lease, with its nonce"),
		Ops:     []string{"POST " + leasePath}},
	{Name: "fly.leases.get", Example: `local lease = fly.leases.get(m)
if lease then print("held by " .. lease.owner) end`, Doc: "Get a machine's lease; nil when it holds none.",
		Params: []Param{machineID}, AppScoped: true, unwrap: "data", impl: leaseGetImpl,
		Returns: ret("lease", "fly.Lease?", "the lease, or nil"),
		Ops:     []string{"GET " + leasePath}},
	{Name: "fly.leases.refresh", Doc: "Extend a lease you hold.",
		Params: []Param{machineID, {Name: "nonce", Type: "string|fly.Lease", Doc: "the lease's nonce (or the lease record)", In: "header:nonce"},
			optsParam("ttl, description")}, AppScoped: true,
		opts: optSpec{body: true, extra: []Field{
			{Name: "ttl", Type: "duration", Doc: "how long the lease lasts from now", enc: "seconds"}}},
		unwrap:  "data",
		Returns: ret("lease", "fly.Lease", "the lease"),
		Ops:     []string{"POST " + leasePath}},
	{Name: "fly.leases.release", Doc: "Release a lease you hold.",
		Params:    []Param{machineID, {Name: "nonce", Type: "string|fly.Lease", Doc: "the lease's nonce (or the lease record)", In: "header:nonce"}},
		AppScoped: true, noValue: true,
		Ops: []string{"DELETE " + leasePath}},
	{Name: "fly.leases.with", Example: `fly.leases.with(m, { ttl = 60, description = "deploy" }, function(lease)
  fly.machines.restart(m) -- carries the lease's nonce
end)`, Doc: "Hold a lease while fn(lease) runs: acquire, refresh, always release, re-raise fn's error; machine mutations inside carry the nonce.",
		Params: []Param{machineID, optsParam("ttl (default 30 s), description"),
			{Name: "fn", Type: "fun(lease: fly.Lease): any", Doc: "the work to do under the lease", In: "lua"}},
		AppScoped: true, unwrap: "data",
		opts: optSpec{body: true, extra: []Field{
			{Name: "ttl", Type: "duration", Doc: "how long the lease lasts; it is refreshed every half of it", Default: "30", enc: "seconds"},
			{Name: "description", Type: "string", Doc: "what holds the lease", Default: `"flyscript"`}}},
		Returns: ret("...", "any", "fn's results"),
		Ops:     []string{"POST " + leasePath, "DELETE " + leasePath}},
}

// luaSugar names the functions written in Lua, by the embedded file that
// defines them.
var luaSugar = map[string]string{
	"fly.leases.with": "fly/leases.lua",
	"fly.parallel":    "fly/tasks.lua",
}
