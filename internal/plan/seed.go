package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/flyscript/flyscript/sim"
)

// Seed keys name what has been read from the real API (or is known not to
// be there, or was made in the shadow): "app/web", "machines/web",
// "machine/web/ID", "lease/web/ID", "volumes/web", "secrets/web",
// "certs/web", "ips/web", "apps/ORG". Each is read at most once.

// upstreamError is a failed read of the real API that the script sees as
// the answer to its own request.
type upstreamError struct{ resp *http.Response }

func (e *upstreamError) Error() string { return "plan: upstream read failed" }

// seed makes sure the shadow holds what the call needs. It returns a
// response when the real API refused a read (the script then sees that
// answer), or an error when it could not be reached. Called with o.mu held.
func (o *Overlay) seed(c *call, needs need) (*http.Response, error) {
	err := o.seedAll(c, needs)
	var ue *upstreamError
	if errors.As(err, &ue) {
		return ue.resp, nil
	}
	return nil, err
}

func (o *Overlay) seedAll(c *call, needs need) error {
	app := c.params["app_name"]
	if needs&needAppInBody != 0 {
		var body struct {
			AppName string `json:"app_name"`
			Name    string `json:"name"`
		}
		_ = json.Unmarshal(c.body, &body)
		app = body.AppName
		if app == "" {
			app = body.Name
		}
		if app == "" {
			return nil // the shadow answers the 400
		}
		needs |= needApp
	}
	if c.pattern == "GET /v1/apps" {
		return o.seedAppList(c)
	}
	if needs&needApp == 0 {
		return nil
	}
	present, err := o.seedApp(c, app)
	if err != nil || !present {
		return err // an app that is not there: the shadow answers 404
	}
	steps := []struct {
		n    need
		seed func(*call, string) error
	}{
		{needMachines, o.seedMachines}, {needVolumes, o.seedVolumes}, {needSecrets, o.seedSecrets},
		{needCerts, o.seedCerts}, {needIPs, o.seedIPs},
	}
	for _, s := range steps {
		if needs&s.n != 0 {
			if err := s.seed(c, app); err != nil {
				return err
			}
		}
	}
	if id := c.params["machine_id"]; id != "" && needs&(needMachine|needLease) != 0 {
		if err := o.seedMachine(c, app, id); err != nil {
			return err
		}
		if needs&needLease != 0 {
			return o.seedLease(c, app, id)
		}
	}
	return nil
}

// read GETs path from the real API. A 404 gives found false; any other
// failure is an *upstreamError or a transport error.
func (o *Overlay) read(c *call, path string) (body []byte, next string, found bool, err error) {
	code, h, b, err := o.getUpstream(c, path)
	if err != nil {
		return nil, "", false, err
	}
	switch {
	case code == http.StatusNotFound:
		return nil, "", false, nil
	case code != http.StatusOK:
		return nil, "", false, &upstreamError{resp: response(c.req, code, h, b)}
	}
	return b, h.Get("fly-next-cursor"), true, nil
}

// decode decodes an upstream answer; a body that does not decode is an
// error naming the read.
func decode(path string, b []byte, into any) error {
	if err := sim.DecodeSeed(b, into); err != nil {
		return &answerError{fmt.Errorf("plan: unexpected answer to GET %s: %w", path, err)}
	}
	return nil
}

// answerError is an answer of the API the shadow cannot take: asking
// again gets the same, so the client does not retry it (Permanent) nor
// blame the network.
type answerError struct{ err error }

func (e *answerError) Error() string   { return e.err.Error() }
func (e *answerError) Unwrap() error   { return e.err }
func (e *answerError) Permanent() bool { return true }

// ignoreSeeded drops ErrSeeded: the shadow already has the object (made by
// the script, or read before) and keeps its own.
func ignoreSeeded(err error) error {
	if errors.Is(err, sim.ErrSeeded) {
		return nil
	}
	return err
}

// seedApp reads the app once; present reports whether the shadow has it.
func (o *Overlay) seedApp(c *call, app string) (present bool, err error) {
	key := "app/" + app
	if !o.seeded[key] {
		path := "/v1/apps/" + url.PathEscape(app)
		b, _, found, err := o.read(c, path)
		if err != nil {
			return false, err
		}
		if found {
			var a sim.SeedApp
			if err := decode(path, b, &a); err != nil {
				return false, err
			}
			if a.Name == "" {
				a.Name = app
			}
			if err := ignoreSeeded(o.shadow.SeedApp(a)); err != nil {
				return false, err
			}
		}
		o.seeded[key] = true
	}
	return o.shadowGet("/v1/apps/"+url.PathEscape(app)) != nil, nil
}

// seedAppList reads every app of the organisation the list asks for.
func (o *Overlay) seedAppList(c *call) error {
	org := c.req.URL.Query().Get("org_slug")
	if org == "" || o.seeded["apps/"+org] {
		return nil // without org_slug the shadow answers the API's 400
	}
	cursor := ""
	for {
		path := "/v1/apps?org_slug=" + url.QueryEscape(org)
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		b, _, found, err := o.read(c, path)
		if err != nil {
			return err
		}
		if !found {
			break
		}
		var page struct {
			Apps       []sim.SeedApp `json:"apps"`
			NextCursor string        `json:"next_cursor"`
		}
		if err := decode(path, b, &page); err != nil {
			return err
		}
		if err := o.shadow.SeedOrganization(sim.SeedOrg{Slug: org}); err != nil {
			return err
		}
		for _, a := range page.Apps {
			if a.Organization.Slug == "" {
				a.Organization.Slug = org
			}
			if !o.seeded["app/"+a.Name] {
				if err := ignoreSeeded(o.shadow.SeedApp(a)); err != nil {
					return err
				}
				o.seeded["app/"+a.Name] = true
			}
		}
		if page.NextCursor == "" || page.NextCursor == cursor {
			break
		}
		cursor = page.NextCursor
	}
	o.seeded["apps/"+org] = true
	return nil
}

// readPages reads every page of an app's list and hands each page's body to
// add. Lists page with the fly-next-cursor header or a next_cursor field.
func (o *Overlay) readPages(c *call, path string, add func(path string, b []byte) (next string, err error)) error {
	cursor := ""
	for range 1000 {
		p := path
		if cursor != "" {
			p += "?cursor=" + url.QueryEscape(cursor)
		}
		b, next, found, err := o.read(c, p)
		if err != nil || !found {
			return err
		}
		bodyNext, err := add(p, b)
		if err != nil {
			return err
		}
		if next == "" {
			next = bodyNext
		}
		if next == "" || next == cursor {
			return nil
		}
		cursor = next
	}
	return fmt.Errorf("plan: GET %s: more than 1000 pages", path)
}

// seedPagesOnce reads every page of a list once under key (see readPages).
func (o *Overlay) seedPagesOnce(c *call, key, path string, add func(path string, b []byte) (string, error)) error {
	if o.seeded[key] {
		return nil
	}
	if err := o.readPages(c, path, add); err != nil {
		return err
	}
	o.seeded[key] = true
	return nil
}

func (o *Overlay) seedMachines(c *call, app string) error {
	return o.seedPagesOnce(c, "machines/"+app, "/v1/apps/"+url.PathEscape(app)+"/machines", func(p string, b []byte) (string, error) {
		var ms []sim.SeedMachine
		if err := decode(p, b, &ms); err != nil {
			return "", err
		}
		for _, m := range ms {
			if err := o.addMachine(app, m); err != nil {
				return "", err
			}
		}
		return "", nil
	})
}

func (o *Overlay) addMachine(app string, m sim.SeedMachine) error {
	key := "machine/" + app + "/" + m.ID
	if o.seeded[key] {
		return nil
	}
	if err := ignoreSeeded(o.shadow.SeedMachine(app, m)); err != nil {
		return err
	}
	o.seeded[key] = true
	return nil
}

func (o *Overlay) seedMachine(c *call, app, id string) error {
	path := "/v1/apps/" + url.PathEscape(app) + "/machines/" + url.PathEscape(id)
	return o.seedOnce(c, "machine/"+app+"/"+id, path, func(b []byte) error {
		var m sim.SeedMachine
		if err := decode(path, b, &m); err != nil {
			return err
		}
		return ignoreSeeded(o.shadow.SeedMachine(app, m))
	})
}

// seedOnce reads path from the real API once under key and hands a found
// answer to add; a 404 is remembered as nothing to seed.
func (o *Overlay) seedOnce(c *call, key, path string, add func(b []byte) error) error {
	if o.seeded[key] {
		return nil
	}
	b, _, found, err := o.read(c, path)
	if err != nil {
		return err
	}
	if found {
		if err := add(b); err != nil {
			return err
		}
	}
	o.seeded[key] = true
	return nil
}

func (o *Overlay) seedLease(c *call, app, id string) error {
	path := "/v1/apps/" + url.PathEscape(app) + "/machines/" + url.PathEscape(id) + "/lease"
	return o.seedOnce(c, "lease/"+app+"/"+id, path, func(b []byte) error {
		var env struct {
			Data *sim.SeedLease `json:"data"`
		}
		if err := decode(path, b, &env); err != nil || env.Data == nil {
			return err
		}
		return ignoreSeeded(o.shadow.SeedLease(app, id, *env.Data))
	})
}

func (o *Overlay) seedVolumes(c *call, app string) error {
	return o.seedPagesOnce(c, "volumes/"+app, "/v1/apps/"+url.PathEscape(app)+"/volumes", func(p string, b []byte) (string, error) {
		var vs []sim.SeedVolume
		if err := decode(p, b, &vs); err != nil {
			return "", err
		}
		for _, v := range vs {
			if err := ignoreSeeded(o.shadow.SeedVolume(app, v)); err != nil {
				return "", err
			}
		}
		return "", nil
	})
}

func (o *Overlay) seedSecrets(c *call, app string) error {
	path := "/v1/apps/" + url.PathEscape(app) + "/secrets"
	return o.seedOnce(c, "secrets/"+app, path, func(b []byte) error {
		var list struct {
			Secrets []sim.SeedSecret `json:"secrets"`
		}
		if err := decode(path, b, &list); err != nil {
			return err
		}
		return ignoreSeeded(o.shadow.SeedSecrets(app, list.Secrets, 0))
	})
}

func (o *Overlay) seedCerts(c *call, app string) error {
	return o.seedPagesOnce(c, "certs/"+app, "/v1/apps/"+url.PathEscape(app)+"/certificates", func(p string, b []byte) (string, error) {
		var page struct {
			Certificates []sim.SeedCertificate `json:"certificates"`
			NextCursor   string                `json:"next_cursor"`
		}
		if err := decode(p, b, &page); err != nil {
			return "", err
		}
		for _, ct := range page.Certificates {
			if err := ignoreSeeded(o.shadow.SeedCertificate(app, ct)); err != nil {
				return "", err
			}
		}
		return page.NextCursor, nil
	})
}

func (o *Overlay) seedIPs(c *call, app string) error {
	path := "/v1/apps/" + url.PathEscape(app) + "/ip_assignments"
	return o.seedOnce(c, "ips/"+app, path, func(b []byte) error {
		var list struct {
			IPs []sim.SeedIP `json:"ips"`
		}
		if err := decode(path, b, &list); err != nil {
			return err
		}
		return ignoreSeeded(o.shadow.SeedIPs(app, list.IPs))
	})
}

// madeInShadow marks what a change created as known: the real API has none
// of it, so it is never read there.
func (o *Overlay) madeInShadow(keys ...string) {
	for _, k := range keys {
		o.seeded[k] = true
	}
}
