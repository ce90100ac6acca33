package flyscript

import (
	"net/http"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/plan"
)

// Plan is what a script run in plan mode would change: its changes in the
// order made (reads are not changes). Summary gives the one-line count
// ("Plan: 3 updates, 1 stop, 1 create."), WriteText the human form and
// json.Marshal the stable form `flyscript plan --plan-json` writes.
type Plan = plan.Plan

// PlanChange is one change of a Plan: the OpenAPI operation, the request's
// method and path, the app, the resource (machine id, volume id, hostname,
// IP, secret names) and its name, a one-line summary and, for a machine,
// the diff of its config by dotted path.
type PlanChange = plan.Change

// PlanDelta is one changed value of a PlanChange's diff.
type PlanDelta = plan.Delta

// Planner runs scripts against a shadow of a real fleet: build the VM with
// the Planner's client, run the script, and read what it would have
// changed with Plan. Reads go to the real API the first time a resource is
// read and seed an in-process simulator; every change goes to that
// simulator and never to the API, which receives only GETs. An operation the
// shadow cannot model (exec, Managed Postgres, tokens, secret keys) fails in
// the script with the error code `not_planned`; it is never sent.
//
//	p, _ := flyscript.NewPlanner("", nil)
//	defer p.Close()
//	c, _ := p.Client(client.WithToken(token))
//	vm, _ := flyscript.New(flyscript.WithClient(c), flyscript.WithApp("web"))
//	err := vm.Run(ctx, "deploy.lua")
//	fmt.Println(p.Plan().Summary())
type Planner struct {
	base    string
	overlay *plan.Overlay
}

// NewPlanner returns a Planner in front of the Machines API at baseURL
// (client.DefaultBaseURL when empty), reached through rt
// (http.DefaultTransport when nil). It refuses a base URL its clients
// would refuse (not http or https).
func NewPlanner(baseURL string, rt http.RoundTripper) (*Planner, error) {
	if baseURL == "" {
		baseURL = client.DefaultBaseURL
	}
	// The URL is checked as the planner's clients will check it, so that
	// a bad one is refused here rather than by each Client call.
	if _, err := client.New(client.WithBaseURL(baseURL)); err != nil {
		return nil, err
	}
	o, err := plan.New(baseURL, rt)
	if err != nil {
		return nil, err
	}
	return &Planner{base: baseURL, overlay: o}, nil
}

// Client returns an API client whose every request goes through the
// planner; pass it to WithClient. opts are the client's own options (the
// token, a user agent, retry and rate-limit settings); the planner sets the
// base URL and the HTTP transport after them.
func (p *Planner) Client(opts ...client.Option) (*client.Client, error) {
	opts = append(opts, client.WithBaseURL(p.base), client.WithHTTPClient(&http.Client{Transport: p.overlay}))
	return client.New(opts...)
}

// Transport is the planner's http.RoundTripper, for a client built by
// other means: requests must be made against the planner's base URL.
func (p *Planner) Transport() http.RoundTripper { return p.overlay }

// Plan returns the changes made so far; it may be called at any time, also
// after a script failed (the plan then ends where the script did).
func (p *Planner) Plan() Plan { return p.overlay.Plan() }

// Close releases the shadow.
func (p *Planner) Close() { p.overlay.Close() }
