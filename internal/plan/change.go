package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Change is one change the script made in the shadow, in the order made.
type Change struct {
	// Op is the operation's id in the OpenAPI document: "Machines_update".
	Op     string `json:"op"`
	Method string `json:"method"`
	// Path is the request's path, without its query: "/v1/apps/web/machines/ID".
	Path string `json:"path"`
	App  string `json:"app,omitempty"`
	// Resource is what changed: a machine or volume id, a hostname, an IP,
	// a secret's name; for a create, the id the shadow gave it.
	Resource string `json:"resource,omitempty"`
	// Name is the machine's or volume's name, when it has one.
	Name string `json:"name,omitempty"`
	// Kind is the change's kind in the summary: create, update, stop, ...
	Kind string `json:"kind"`
	// Summary is one line: "stop machine 148e... (web-1): started -> stopped".
	Summary string `json:"summary"`
	// Diff is what the change did to a machine's config (or a volume's
	// settings), by dotted path: "image", "guest.memory_mb", "env.MODE".
	Diff map[string]Delta `json:"diff,omitempty"`
}

// Delta is one changed value. From is absent for a value the change added,
// To for one it removed. Values are JSON values (strings, numbers as
// json.Number, booleans, objects, arrays).
type Delta struct {
	From any `json:"from,omitempty"`
	To   any `json:"to,omitempty"`
}

// change applies one change to the shadow and records it when the shadow
// accepted it. Called with o.mu held.
func (o *Overlay) change(c *call, r rule) *http.Response {
	app := c.params["app_name"]
	before := o.view(c, app)
	rec := o.shadowDo(c.req.Method, c.target(), c.body, c.req.Header)
	resp := response(c.req, rec.Code, rec.Header(), rec.Body.Bytes())
	if rec.Code < 200 || rec.Code > 299 {
		return resp
	}
	if r.kind == "lease" {
		// Leases guard changes; they are taken and released in the
		// shadow, and are not changes of the fleet themselves.
		return resp
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	ch := Change{Op: c.op, Method: c.req.Method, Path: c.path, App: app, Kind: r.kind}
	o.identify(c, &ch, out)
	after := o.view(c, app)
	if c.params["machine_id"] == "" && ch.Resource != "" && strings.HasSuffix(c.pattern, "/machines") {
		after = o.machineView(app, ch.Resource) // a create: its view once made
	}
	if before != nil || after != nil {
		ch.Diff = diff(before.values(), after.values())
	}
	ch.Summary = summary(ch, before, after)
	o.changes = append(o.changes, ch)
	o.rememberCreated(c, ch)
	return resp
}

// view is what the plan shows of a resource before and after a change: a
// machine's state, name and config, or a volume's settings.
type view struct {
	state, name string
	fields      map[string]any // diffed
}

func (v *view) values() map[string]any {
	if v == nil {
		return nil
	}
	return v.fields
}

func (o *Overlay) view(c *call, app string) *view {
	if id := c.params["machine_id"]; id != "" {
		return o.machineView(app, id)
	}
	if id := c.params["volume_id"]; id != "" {
		return o.volumeView(app, id)
	}
	return nil
}

func (o *Overlay) machineView(app, id string) *view {
	m := o.shadowGet("/v1/apps/" + url.PathEscape(app) + "/machines/" + url.PathEscape(id))
	if m == nil {
		return nil
	}
	cfg, _ := m["config"].(map[string]any)
	v := &view{fields: cfg}
	v.state, _ = m["state"].(string)
	v.name, _ = m["name"].(string)
	return v
}

func (o *Overlay) volumeView(app, id string) *view {
	vol := o.shadowGet("/v1/apps/" + url.PathEscape(app) + "/volumes/" + url.PathEscape(id))
	if vol == nil {
		return nil
	}
	v := &view{fields: map[string]any{}}
	for _, k := range []string{"size_gb", "auto_backup_enabled", "snapshot_retention"} {
		v.fields[k] = vol[k]
	}
	v.state, _ = vol["state"].(string)
	v.name, _ = vol["name"].(string)
	return v
}

// identify fills the change's resource and name from the path, the request
// body or the shadow's answer.
func (o *Overlay) identify(c *call, ch *Change, out map[string]any) {
	var body map[string]any
	_ = json.Unmarshal(c.body, &body)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch {
	case c.params["machine_id"] != "":
		ch.Resource = c.params["machine_id"]
	case c.params["volume_id"] != "":
		ch.Resource = c.params["volume_id"]
	case c.params["hostname"] != "":
		ch.Resource = c.params["hostname"]
	case c.params["ip"] != "":
		ch.Resource = c.params["ip"]
	case c.params["secret_name"] != "":
		ch.Resource = c.params["secret_name"]
	case c.pattern == "POST /v1/apps":
		ch.App = str(body, "app_name")
		if ch.App == "" {
			ch.App = str(body, "name")
		}
	case strings.HasSuffix(c.pattern, "/machines"), strings.HasSuffix(c.pattern, "/volumes"):
		ch.Resource, ch.Name = str(out, "id"), str(out, "name")
	case strings.Contains(c.pattern, "/certificates/"):
		ch.Resource = str(body, "hostname")
	case strings.HasSuffix(c.pattern, "/ip_assignments"):
		ch.Resource = str(out, "ip")
	case strings.HasSuffix(c.pattern, "/secrets"):
		values, _ := body["values"].(map[string]any)
		ch.Resource = strings.Join(slices.Sorted(maps.Keys(values)), ",")
	}
	if ch.Name == "" && c.params["machine_id"] != "" {
		if v := o.machineView(ch.App, ch.Resource); v != nil {
			ch.Name = v.name
		}
	}
	if ch.Name == "" && c.params["volume_id"] != "" {
		if v := o.volumeView(ch.App, ch.Resource); v != nil {
			ch.Name = v.name
		}
	}
}

// summary is the change's one line.
func summary(ch Change, before, after *view) string {
	what := ch.Kind
	switch {
	case strings.Contains(ch.Path, "/machines"):
		what += " machine"
	case strings.Contains(ch.Path, "/volumes"):
		what += " volume"
	case strings.Contains(ch.Path, "/certificates"):
		what += " certificate"
	case strings.Contains(ch.Path, "/ip_assignments"):
		what += " IP"
	case strings.Contains(ch.Path, "/secrets"):
		what = "change secrets"
	default:
		what += " app " + ch.App
	}
	if ch.Resource != "" {
		what += " " + ch.Resource
	}
	if ch.Name != "" {
		what += " (" + ch.Name + ")"
	}
	if ch.App != "" && !strings.HasSuffix(what, " app "+ch.App) {
		what += " of " + ch.App
	}
	switch {
	case before != nil && after != nil && before.state != after.state:
		what += fmt.Sprintf(": %s -> %s", before.state, after.state)
	case before == nil && after != nil && after.state != "":
		what += ": " + after.state
	case before != nil && after == nil && before.state != "":
		what += fmt.Sprintf(": %s -> (gone)", before.state)
	}
	return what
}

// rememberCreated marks what a create made as never to be read from the
// real API.
func (o *Overlay) rememberCreated(c *call, ch Change) {
	switch {
	case c.pattern == "POST /v1/apps":
		a := ch.App
		o.madeInShadow("app/"+a, "machines/"+a, "volumes/"+a, "secrets/"+a, "certs/"+a, "ips/"+a)
	case strings.HasSuffix(c.pattern, "/machines") && ch.Resource != "":
		o.madeInShadow("machine/"+ch.App+"/"+ch.Resource, "lease/"+ch.App+"/"+ch.Resource)
	}
}
