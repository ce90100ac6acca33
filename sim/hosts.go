package sim

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// WithAllowedHosts makes the simulator answer only requests whose Host
// header names a loopback address, `localhost`, or one of hosts (names or
// addresses, without port); "*" allows any host. Listen turns the check on
// with the host of its address: a web page cannot then drive a simulator
// on your machine through a domain of its own that resolves to 127.0.0.1
// (DNS rebinding). A refused request answers 403 and changes nothing.
func WithAllowedHosts(hosts ...string) Option {
	return func(cfg *config) {
		if cfg.hosts == nil {
			cfg.hosts = map[string]bool{}
		}
		for _, h := range hosts {
			cfg.hosts[strings.ToLower(strings.Trim(h, "[]"))] = true
		}
	}
}

// hostAllowed reports whether r's Host header passes WithAllowedHosts.
func (s *Server) hostAllowed(r *http.Request) bool {
	if s.cfg.hosts == nil || s.cfg.hosts["*"] {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	return host == "localhost" || s.cfg.hosts[host]
}

// refuseHost answers a request whose Host header is not allowed.
func refuseHost(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusForbidden, fmt.Sprintf("host %q is not allowed: the simulator answers loopback hosts and the address it listens on (flyscript sim --allow-host to add one)", r.Host))
}
