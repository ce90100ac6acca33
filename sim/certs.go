package sim

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/flyscript/flyscript/internal/lazyre"
)

var hostnameRE = lazyre.New(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func (s *Server) certFor(w http.ResponseWriter, r *http.Request) (*app, *cert) {
	return appObject(s, w, r, "certificate", func(a *app) *cert {
		return a.Certs[strings.ToLower(r.PathValue("hostname"))]
	})
}

func certStatus(c *cert) string {
	switch {
	case c.Custom || (c.ACME && c.Validated):
		return "active"
	case c.ACME:
		return "pending_validation"
	}
	return "pending_ownership"
}

// appAddrs are the A and AAAA records a hostname should point at: the app's
// public IPs, or the shared addresses when it has none.
func appAddrs(a *app) ([]string, []string) {
	var v4, v6 []string
	for _, ip := range a.IPs {
		switch ip.Type {
		case "v4", "shared_v4":
			v4 = append(v4, ip.IP)
		case "v6":
			v6 = append(v6, ip.IP)
		}
	}
	if len(v4) == 0 {
		v4 = []string{"66.241.124.100"}
	}
	if len(v6) == 0 {
		v6 = []string{"2a09:8280:1::1:" + fmt.Sprintf("%x", a.NumericID%0xffff)}
	}
	return v4, v6
}

func (s *Server) certDetail(a *app, c *cert) map[string]any {
	v4, v6 := appAddrs(a)
	entries := []map[string]any{}
	if c.ACME {
		e := map[string]any{"source": "fly", "status": "pending_validation", "created_at": rfc3339(c.CreatedAt), "issuer": "Let's Encrypt", "issued": []any{}}
		if c.Validated {
			exp := rfc3339(c.UpdatedAt.Add(90 * 24 * time.Hour))
			e["status"], e["expires_at"] = "active", exp
			e["issued"] = []map[string]any{
				{"type": "ecdsa", "expires_at": exp, "certificate_authority": "Let's Encrypt"},
				{"type": "rsa", "expires_at": exp, "certificate_authority": "Let's Encrypt"},
			}
		}
		entries = append(entries, e)
	}
	if c.Custom {
		exp := rfc3339(c.CustomExp)
		entries = append(entries, map[string]any{
			"source": "custom", "status": "active", "created_at": rfc3339(c.UpdatedAt), "expires_at": exp, "issuer": c.CustomCA,
			"issued": []map[string]any{{"type": c.CustomType, "expires_at": exp, "certificate_authority": c.CustomCA}},
		})
	}
	return map[string]any{
		"hostname": c.Hostname, "configured": c.Validated || c.Custom, "acme_requested": c.ACME,
		"status": certStatus(c), "dns_provider": "unknown", "certificates": entries,
		"dns_requirements": map[string]any{
			"a": v4, "aaaa": v6, "cname": a.Name + ".fly.dev",
			"acme_challenge": map[string]any{"name": "_acme-challenge." + c.Hostname, "target": c.Hostname + "." + a.Name + ".flydns.net"},
			"ownership":      map[string]any{"name": "_fly-ownership." + c.Hostname, "app_value": fmt.Sprintf("app-%d", a.NumericID), "org_value": "org-" + a.Org},
		},
		"validation": map[string]any{
			"alpn_configured": c.Validated, "dns_configured": c.Validated, "http_configured": c.Validated,
			"ownership_txt_configured": c.Validated,
		},
		"validation_errors": []any{},
	}
}

func (s *Server) listCerts(w http.ResponseWriter, r *http.Request) {
	limit, after, ok := pageParams(w, r, 500)
	if !ok {
		return
	}
	if limit == 0 {
		limit = 25
	}
	filter := strings.ToLower(r.URL.Query().Get("filter"))
	s.withApp(w, r, func(a *app) {
		cs := collect(a.Certs, func(c *cert) bool { return strings.Contains(c.Hostname, filter) })
		total := len(cs)
		cs, next := paginate(cs, func(c *cert) string { return c.Hostname }, after, limit)
		resp := map[string]any{"total_count": total}
		if next != "" {
			resp["next_cursor"] = next
		}
		out := []map[string]any{}
		for _, c := range cs {
			out = append(out, map[string]any{
				"hostname": c.Hostname, "status": certStatus(c), "configured": c.Validated || c.Custom,
				"acme_requested": c.ACME, "has_custom_certificate": c.Custom, "has_fly_certificate": c.ACME && c.Validated,
				"created_at": rfc3339(c.CreatedAt), "updated_at": rfc3339(c.UpdatedAt), "dns_provider": "unknown",
				"acme_alpn_configured": c.Validated, "acme_dns_configured": c.Validated, "acme_http_configured": c.Validated,
				"ownership_txt_configured": c.Validated,
			})
		}
		resp["certificates"] = out
		writeJSON(w, http.StatusOK, resp)
	})
}

func (s *Server) createACMECert(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Hostname string `json:"hostname"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	host, ok := certHostname(w, req.Hostname)
	if !ok {
		return
	}
	s.withCertApp(w, r, host, func(a *app) {
		now := s.clock.Now()
		c := a.Certs[host]
		if c == nil {
			c = &cert{Hostname: host, CreatedAt: now, Seq: s.w.nextSeq()}
			a.Certs[host] = c
		} else if c.ACME {
			writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("an ACME certificate for %s was already requested", host))
			return
		}
		c.ACME, c.UpdatedAt = true, now
		s.commitAnswer(w, http.StatusCreated, s.certDetail(a, c))
	})
}

// certHostname normalises a requested hostname, answering 422 itself and
// returning false when it is not a valid one.
func certHostname(w http.ResponseWriter, raw string) (string, bool) {
	host := strings.ToLower(strings.TrimSpace(raw))
	if !hostnameRE().MatchString(host) {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("invalid hostname %q", raw))
		return "", false
	}
	return host, true
}

// certAppFor is appFor for adding a certificate for host: a host another
// app has a certificate for answers 422 `hostname ... is already in use`.
// Called with s.mu held.
func (s *Server) certAppFor(w http.ResponseWriter, r *http.Request, host string) *app {
	a := s.appFor(w, r)
	if a == nil {
		return nil
	}
	if other := s.certOwner(host); other != "" && other != a.Name {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("hostname %s is already in use by another app", host))
		return nil
	}
	return a
}

// certOwner returns the app that has a certificate for host.
func (s *Server) certOwner(host string) string {
	for _, a := range s.w.Apps {
		if a.Certs[host] != nil {
			return a.Name
		}
	}
	return ""
}

func (s *Server) createCustomCert(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Hostname   string `json:"hostname"`
		Fullchain  string `json:"fullchain"`
		PrivateKey string `json:"private_key"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	host, ok := certHostname(w, req.Hostname)
	if !ok {
		return
	}
	pair, err := tls.X509KeyPair([]byte(req.Fullchain), []byte(req.PrivateKey))
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "invalid certificate or private key: "+err.Error())
		return
	}
	leaf, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "invalid certificate: "+err.Error())
		return
	}
	if err := leaf.VerifyHostname(host); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "certificate does not cover "+host+": "+err.Error())
		return
	}
	s.withCertApp(w, r, host, func(a *app) {
		if s.clock.Now().After(leaf.NotAfter) {
			writeError(w, http.StatusUnprocessableEntity, "certificate has expired")
			return
		}
		now := s.clock.Now()
		c := a.Certs[host]
		if c == nil {
			c = &cert{Hostname: host, CreatedAt: now, Seq: s.w.nextSeq()}
			a.Certs[host] = c
		}
		kind := "rsa"
		if leaf.PublicKeyAlgorithm == x509.ECDSA {
			kind = "ecdsa"
		}
		ca := leaf.Issuer.CommonName
		if ca == "" {
			ca = leaf.Issuer.String()
		}
		c.Custom, c.CustomCA, c.CustomType, c.CustomExp, c.UpdatedAt = true, ca, kind, leaf.NotAfter, now
		s.commitAnswer(w, http.StatusCreated, s.certDetail(a, c))
	})
}

func (s *Server) showCert(w http.ResponseWriter, r *http.Request) {
	s.withCert(w, r, func(a *app, c *cert) {
		writeJSON(w, http.StatusOK, s.certDetail(a, c))
	})
}

func (s *Server) deleteCert(w http.ResponseWriter, r *http.Request) {
	s.withCert(w, r, func(a *app, c *cert) {
		delete(a.Certs, c.Hostname)
		s.commitAnswer(w, http.StatusNoContent, nil)
	})
}

func (s *Server) deleteACMECert(w http.ResponseWriter, r *http.Request) {
	s.withCert(w, r, func(a *app, c *cert) {
		if !c.ACME {
			writeError(w, http.StatusNotFound, "no ACME certificate for "+c.Hostname)
			return
		}
		// The hostname stays (fly-go: "leaving a custom certificate in
		// place"); only DELETE .../{hostname} removes it.
		c.ACME, c.Validated, c.UpdatedAt = false, false, s.clock.Now()
		detail := s.certDetail(a, c)
		s.commitAnswer(w, http.StatusOK, detail)
	})
}

func (s *Server) deleteCustomCert(w http.ResponseWriter, r *http.Request) {
	s.withCert(w, r, func(a *app, c *cert) {
		if !c.Custom {
			writeError(w, http.StatusNotFound, "no custom certificate for "+c.Hostname)
			return
		}
		// The hostname stays, with its ACME certificates if any (fly-go:
		// "leaving the ACME certificates in place").
		c.Custom, c.UpdatedAt = false, s.clock.Now()
		detail := s.certDetail(a, c)
		if !c.ACME {
			detail["warning"] = "no certificate is left for " + c.Hostname + "; TLS for it will fail until one is added"
		}
		s.commitAnswer(w, http.StatusOK, detail)
	})
}

// checkCert "resolves DNS": the simulator considers every hostname pointed at
// the app, so a check validates a pending ACME certificate.
func (s *Server) checkCert(w http.ResponseWriter, r *http.Request) {
	s.withCert(w, r, func(a *app, c *cert) {
		if c.ACME && !c.Validated {
			c.Validated, c.UpdatedAt = true, s.clock.Now()
			s.commit()
		}
		d := s.certDetail(a, c)
		req := d["dns_requirements"].(map[string]any)
		d["dns_records"] = map[string]any{
			"a": req["a"], "aaaa": req["aaaa"], "cname": []string{}, "resolved_addresses": req["a"],
			"soa": "ns1.example-dns.net", "acme_challenge_cname": c.Hostname + "." + a.Name + ".flydns.net",
			"ownership_txt": fmt.Sprintf("app-%d", a.NumericID),
		}
		writeJSON(w, http.StatusOK, d)
	})
}
