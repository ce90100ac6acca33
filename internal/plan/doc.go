// Package plan owns the plan overlay behind `flyscript plan`: an
// http.RoundTripper that stands between the API client and the real
// Machines API and lets a script run against a shadow of the real fleet.
//
// The first read of a resource (an app, its machines, a machine's lease, its
// volumes, secret names, certificates, IPs) goes to the real API, and the
// answer seeds an in-process simulator (package sim) with that resource.
// Every change goes to that simulator and never to the real API, and is
// recorded, with a diff of what it changed, as a Change of the Plan. Later
// reads are answered by the simulator, so the script sees its own changes.
// The only requests the real API ever receives from an Overlay are GETs; an
// operation the overlay cannot model is refused with an error that names it,
// never sent.
//
// Who may import it: the root package (the embedding API's Planner) and
// cmd/flyscript. bindings/ and client/ never know they are being planned.
package plan
