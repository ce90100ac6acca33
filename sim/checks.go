package sim

import (
	"fmt"
	"sort"
	"time"
)

// Health checks are modelled from the configuration: every check the
// machine's config declares (config.checks by name, and the checks of each
// of config.services, named servicecheck-<service>-<type>-<port>) has a
// status. A started machine's checks are `warning` during their
// grace_period, then `passing`, or `critical` when the image is named
// `sim-unhealthy`; a machine that is not started has them `critical`.

// unhealthyImage is the image name whose machines fail their checks.
const unhealthyImage = "sim-unhealthy"

type checkStatus struct {
	Name      string `json:"name"`
	Status    string `json:"status"`
	Output    string `json:"output"`
	UpdatedAt string `json:"updated_at"`
}

// declaredCheck is one check of a config, by the name the API reports.
type declaredCheck struct {
	name  string
	check map[string]any
}

// declaredChecks lists the checks of cfg in the order the API reports them.
func declaredChecks(cfg map[string]any) []declaredCheck {
	var out []declaredCheck
	if cs, ok := cfg["checks"].(map[string]any); ok {
		names := make([]string, 0, len(cs))
		for n := range cs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			c, _ := cs[n].(map[string]any)
			out = append(out, declaredCheck{n, c})
		}
	}
	svcs, _ := cfg["services"].([]any)
	for i, sv := range svcs {
		svc, _ := sv.(map[string]any)
		cs, _ := svc["checks"].([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			typ, _ := cm["type"].(string)
			if typ == "" {
				typ = "tcp"
			}
			port := cm["port"]
			if port == nil {
				port = svc["internal_port"]
			}
			out = append(out, declaredCheck{fmt.Sprintf("servicecheck-%02d-%s-%v", i, typ, port), cm})
		}
	}
	return out
}

// machineChecks is Machine.checks: nil when the config declares none.
func (s *Server) machineChecks(m *machine) []checkStatus {
	decl := declaredChecks(m.config())
	if len(decl) == 0 {
		return nil
	}
	now := s.clock.Now()
	started := m.UpdatedAt
	for i := len(m.Events) - 1; i >= 0; i-- {
		if m.Events[i].Status == "started" {
			started = time.UnixMilli(m.Events[i].Timestamp)
			break
		}
	}
	out := make([]checkStatus, 0, len(decl))
	for _, d := range decl {
		c := checkStatus{Name: d.name, UpdatedAt: rfc3339(m.UpdatedAt)}
		grace, _ := d.check["grace_period"].(string)
		g, _ := time.ParseDuration(grace)
		switch {
		case m.State != "started":
			c.Status, c.Output = "critical", "the machine is not running ("+displayState(m.State)+")"
		case now.Before(started.Add(g)):
			c.Status, c.Output = "warning", "waiting for the grace period ("+grace+") to end"
			c.UpdatedAt = rfc3339(started)
		case hasImage(m, unhealthyImage):
			c.Status, c.Output = "critical", checkFailure(d.check)
			c.UpdatedAt = rfc3339(started.Add(g))
		default:
			c.Status, c.Output = "passing", "OK"
			c.UpdatedAt = rfc3339(started.Add(g))
		}
		out = append(out, c)
	}
	return out
}

// checkFailure is the output of a failing check, as the platform words it
// for its type.
func checkFailure(c map[string]any) string {
	if t, _ := c["type"].(string); t == "http" {
		path, _ := c["path"].(string)
		if path == "" {
			path = "/"
		}
		return fmt.Sprintf("[✗] GET %s: 500 Internal Server Error (image %s)", path, unhealthyImage)
	}
	return fmt.Sprintf("connect: connection refused (image %s)", unhealthyImage)
}
