package plan

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// waitStates are the states the API accepts in a wait.
var waitStates = []string{"started", "stopped", "suspended", "destroyed", "failed", "settled"}

// wait decides a machine wait at once. Every transition in the shadow is
// instant, so a wait the shadow satisfies is answered by the shadow; one it
// never will (a stopped machine waited on for `started`) is answered at once
// with the code a timed-out wait has, `timeout`, instead of blocking for the
// wait's whole timeout. Called with o.mu held.
func (o *Overlay) wait(c *call) *http.Response {
	q := c.req.URL.Query()
	var states []string
	for _, v := range q["state"] {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				states = append(states, s)
			}
		}
	}
	if len(states) == 0 {
		states = []string{"started"}
	}
	app, id := c.params["app_name"], c.params["machine_id"]
	m := o.shadowGet("/v1/apps/" + url.PathEscape(app) + "/machines/" + url.PathEscape(id))
	known := true
	for _, s := range states {
		known = known && slices.Contains(waitStates, s)
	}
	if m != nil && known {
		state, _ := m["state"].(string)
		current, _ := m["instance_id"].(string)
		version := q.Get("version")
		if version == "" {
			version = q.Get("instance_id")
		}
		reached := slices.Contains(states, state) || slices.Contains(states, "settled")
		if version != "" && version != current {
			reached = slices.Contains(states, "stopped") || slices.Contains(states, "destroyed")
		}
		if !reached {
			msg := fmt.Sprintf("plan: machine %s is %s in the plan and nothing the script did moves it to %s; in production this wait would time out",
				id, state, strings.Join(states, " or "))
			b, _ := json.Marshal(map[string]string{"error": msg, "status": "timeout"})
			return response(c.req, http.StatusPreconditionFailed, http.Header{"Content-Type": {"application/json"}}, b)
		}
	}
	// The shadow answers at once: its transitions are instant, and the
	// event the wait started from is not needed to know the state.
	q.Del("from_event_id")
	q.Set("timeout", "1")
	target := (&url.URL{Path: c.path, RawQuery: q.Encode()}).RequestURI()
	return o.serveShadow(c, http.MethodGet, target, nil)
}
