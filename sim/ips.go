package sim

import (
	"fmt"
	"net/http"
)

var ipTypes = map[string]bool{
	"v4": true, "v6": true, "shared_v4": true, "private_v6": true,
	"egress_v4": true, "egress_v6": true, "egress_pair": true,
}

func ipJSON(ip *ipAssignment) map[string]any {
	j := map[string]any{
		"ip": ip.IP, "region": ip.Region, "shared": ip.Shared, "egress": ip.Egress,
		"created_at": rfc3339(ip.CreatedAt),
	}
	if ip.ServiceName != "" {
		j["service_name"] = ip.ServiceName
	}
	if ip.Network != "" {
		j["network"] = map[string]any{"name": ip.Network, "org_slug": ip.Org}
	}
	return j
}

func (s *Server) listIPs(w http.ResponseWriter, r *http.Request) {
	s.withApp(w, r, func(a *app) {
		out := []map[string]any{}
		for _, ip := range a.IPs {
			out = append(out, ipJSON(ip))
		}
		writeJSON(w, http.StatusOK, map[string]any{"ips": out})
	})
}

func (s *Server) createIP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Type        string `json:"type"`
		Region      string `json:"region"`
		OrgSlug     string `json:"org_slug"`
		Network     string `json:"network"`
		ServiceName string `json:"service_name"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if !ipTypes[req.Type] {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid type %q: want v4, v6, shared_v4, private_v6, egress_v4, egress_v6 or egress_pair", req.Type))
		return
	}
	egress := req.Type == "egress_v4" || req.Type == "egress_v6" || req.Type == "egress_pair"
	if egress && req.Region == "" {
		writeError(w, http.StatusBadRequest, "region is required for egress addresses")
		return
	}
	if req.Region != "" && req.Region != "global" && !knownRegion(req.Region) {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid region %q", req.Region))
		return
	}
	s.withApp(w, r, func(a *app) {
		if req.OrgSlug != "" && req.OrgSlug != a.Org {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("org_slug %q is not the app's organization", req.OrgSlug))
			return
		}
		region := req.Region
		if region == "" {
			region = "global"
		}
		n := s.w.nextSeq()
		ip := &ipAssignment{Type: req.Type, Region: region, Egress: egress, ServiceName: req.ServiceName, Org: a.Org, CreatedAt: s.clock.Now()}
		v4 := fmt.Sprintf("137.66.%d.%d", (n/250)%250+1, n%250+1)
		v6 := fmt.Sprintf("2a09:8280:1::%x:%x", a.NumericID%0xffff, n)
		switch req.Type {
		case "v4", "egress_v4":
			ip.IP = v4
		case "shared_v4":
			for _, x := range a.IPs {
				if x.Type == "shared_v4" {
					writeJSON(w, http.StatusOK, ipJSON(x))
					return
				}
			}
			ip.IP, ip.Shared = "66.241.124.100", true
		case "v6", "egress_v6":
			ip.IP = v6
		case "private_v6":
			ip.IP = fmt.Sprintf("fdaa:0:%x:0:1::%x", a.NumericID%0xffff, n)
			ip.Network = req.Network
			if ip.Network == "" {
				ip.Network = a.Network
			}
		case "egress_pair":
			ip.IP, ip.PairV4, ip.PairV6 = v4, v4, v6
		}
		a.IPs = append(a.IPs, ip)
		s.commit()
		j := ipJSON(ip)
		if ip.PairV4 != "" {
			j["ip_pair"] = map[string]any{"v4": ip.PairV4, "v6": ip.PairV6}
		}
		writeJSON(w, http.StatusOK, j)
	})
}

func (s *Server) deleteIP(w http.ResponseWriter, r *http.Request) {
	s.withApp(w, r, func(a *app) {
		want := r.PathValue("ip")
		for i, ip := range a.IPs {
			if ip.IP == want {
				a.IPs = append(a.IPs[:i], a.IPs[i+1:]...)
				s.commitAnswer(w, http.StatusNoContent, nil)
				return
			}
		}
		writeError(w, http.StatusNotFound, "ip assignment not found")
	})
}
