package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// The simulator has one user, and every accepted token belongs to it.
const simUser = leaseOwner

// tokenID derives a stable, non-reversible id from a token: the token itself
// never appears in a response.
func tokenID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return fmt.Sprintf("tok_%x", sum[:8])
}

func (s *Server) currentToken(w http.ResponseWriter, r *http.Request) {
	tok, _ := bearer(r.Header.Get("Authorization"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, o := range s.sortedOrgs() {
		if !o.Member {
			continue
		}
		var apps []string
		for _, a := range s.sortedApps() {
			if a.Org == o.Slug {
				apps = append(apps, a.Name)
			}
		}
		if apps == nil {
			apps = []string{}
		}
		out = append(out, map[string]any{
			"token_id": tokenID(tok), "org_slug": o.Slug, "organization": o.Name,
			"user": simUser, "apps": apps,
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"tokens": out})
}

// verifiedToken answers for a token header: FlyV1 macaroon headers are
// "verified" (each comma-separated macaroon is one token), anything else is
// refused with 400.
func (s *Server) verifiedTokens(w http.ResponseWriter, header string) ([]map[string]any, bool) {
	h := strings.TrimSpace(header)
	body, ok := strings.CutPrefix(h, "FlyV1 ")
	if !ok || strings.TrimSpace(body) == "" {
		writeError(w, http.StatusBadRequest, "invalid token header: want \"FlyV1 <macaroons>\"")
		return nil, false
	}
	var out []map[string]any
	for _, part := range strings.Split(body, ",") {
		sum := sha256.Sum256([]byte(part))
		out = append(out, map[string]any{
			"header":           "FlyV1 " + tokenID(part),
			"caveats":          map[string]any{"caveats": []any{}},
			"nonce":            map[string]any{"kid": bytesJSON(sum[:8]), "rnd": bytesJSON(sum[8:24]), "proof": false},
			"permission_token": bytesJSON(sum[:16]),
		})
	}
	return out, true
}

func (s *Server) authenticateToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Header string `json:"header"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if out, ok := s.verifiedTokens(w, req.Header); ok {
		writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) authorizeToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Header string         `json:"header"`
		Access map[string]any `json:"access"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	out, ok := s.verifiedTokens(w, req.Header)
	if !ok {
		return
	}
	access := map[string]any{}
	for k, v := range req.Access {
		switch k {
		case "app_name", "org_slug", "machine_id", "volume_id":
			// The resolved access names resources by number, not by name.
		default:
			access[k] = v
		}
	}
	s.mu.Lock()
	if a := s.w.Apps[fmt.Sprint(req.Access["app_name"])]; a != nil {
		access["appid"] = a.NumericID
		if o := s.w.Orgs[a.Org]; o != nil {
			access["orgid"] = o.NumericID
		}
	} else if o := s.w.Orgs[fmt.Sprint(req.Access["org_slug"])]; o != nil {
		access["orgid"] = o.NumericID
	}
	s.mu.Unlock()
	if id, ok := req.Access["machine_id"].(string); ok {
		access["machine"] = id
	}
	if id, ok := req.Access["volume_id"].(string); ok {
		access["volume"] = id
	}
	writeJSON(w, http.StatusOK, map[string]any{"access": access, "verified_token": out[0]})
}

// kmsToken answers a KMS token as text/plain.
func (s *Server) kmsToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tok := "FlyV1 fm2_kms_" + base64.RawURLEncoding.EncodeToString(s.ids.bytes(32))
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(tok))
}

// oidcToken answers an unsigned-looking JWT (header.claims.signature) whose
// claims name the audience and the simulated organisation.
func (s *Server) oidcToken(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Aud              string `json:"aud"`
		AWSPrincipalTags bool   `json:"aws_principal_tags"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	aud := req.Aud
	if aud == "" {
		aud = "https://oidc.fly.io/personal"
	}
	now := s.clock.Now()
	header, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT", "kid": "sim"})
	claims, _ := json.Marshal(map[string]any{
		"iss": "https://oidc.fly.io/personal", "aud": aud, "sub": "personal:sim",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Unix() + 600, "org_name": "personal",
	})
	s.mu.Lock()
	sig := s.ids.bytes(64)
	s.mu.Unlock()
	enc := base64.RawURLEncoding
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte(enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(sig)))
}
