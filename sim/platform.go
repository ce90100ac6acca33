package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// defaultRegion is where machines and volumes go when the request names no
// region; /v1/platform/regions reports it as `nearest`.
const defaultRegion = "iad"

type region struct {
	Code, Name, Geo     string
	Lat, Lon            float64
	Deprecated, Gateway bool
	MPG, RequiresPaid   bool
}

// regions is Fly.io's region list: the current regions, and the ones retired
// in 2025 still listed with deprecated: true.
var regions = []region{
	{"ams", "Amsterdam, Netherlands", "europe", 52.374342, 4.895439, false, true, true, false},
	{"arn", "Stockholm, Sweden", "europe", 59.6512, 17.9178, false, false, false, false},
	{"bom", "Mumbai, India", "asia-pacific", 19.097403, 72.874245, false, true, true, false},
	{"cdg", "Paris, France", "europe", 48.860875, 2.353477, false, true, false, false},
	{"dfw", "Dallas, Texas (US)", "north-america", 32.778287, -96.7984, false, true, true, false},
	{"ewr", "Secaucus, NJ (US)", "north-america", 40.789543, -74.056315, false, false, false, false},
	{"fra", "Frankfurt, Germany", "europe", 50.1167, 8.6833, false, true, true, false},
	{"gru", "Sao Paulo, Brazil", "south-america", -23.549664, -46.654351, false, false, false, false},
	{"iad", "Ashburn, Virginia (US)", "north-america", 39.02214, -77.462556, false, true, true, false},
	{"jnb", "Johannesburg, South Africa", "africa", -26.13629, 28.242644, false, false, false, false},
	{"lax", "Los Angeles, California (US)", "north-america", 33.9416, -118.4085, false, true, true, false},
	{"lhr", "London, United Kingdom", "europe", 51.516434, -0.125656, false, true, true, false},
	{"nrt", "Tokyo, Japan", "asia-pacific", 35.621822, 139.741703, false, true, true, false},
	{"ord", "Chicago, Illinois (US)", "north-america", 41.891544, -87.630386, false, true, true, false},
	{"sin", "Singapore, Singapore", "asia-pacific", 1.3, 103.8, false, true, true, false},
	{"sjc", "San Jose, California (US)", "north-america", 37.351601, -121.907894, false, true, true, false},
	{"syd", "Sydney, Australia", "asia-pacific", -33.866651, 151.192067, false, true, true, false},
	{"yyz", "Toronto, Canada", "north-america", 43.644606, -79.386501, false, true, false, false},
	{"atl", "Atlanta, Georgia (US)", "north-america", 33.6407, -84.4277, true, false, false, false},
	{"bog", "Bogotá, Colombia", "south-america", 4.70159, -74.1469, true, false, false, false},
	{"bos", "Boston, Massachusetts (US)", "north-america", 42.366978, -71.022362, true, false, false, false},
	{"den", "Denver, Colorado (US)", "north-america", 39.7392, -104.9903, true, false, false, false},
	{"eze", "Ezeiza, Argentina", "south-america", -34.8222, -58.5358, true, false, false, false},
	{"gdl", "Guadalajara, Mexico", "north-america", 20.5217, -103.3109, true, false, false, false},
	{"hkg", "Hong Kong, Hong Kong", "asia-pacific", 22.250971, 114.203224, true, false, false, false},
	{"mad", "Madrid, Spain", "europe", 40.4381, -3.82, true, false, false, false},
	{"mia", "Miami, Florida (US)", "north-america", 25.7877, -80.2241, true, false, false, false},
	{"otp", "Bucharest, Romania", "europe", 44.4325, 26.1039, true, false, false, false},
	{"phx", "Phoenix, Arizona (US)", "north-america", 33.416084, -112.009482, true, false, false, false},
	{"qro", "Querétaro, Mexico", "north-america", 20.62, -100.1863, true, false, false, false},
	{"scl", "Santiago, Chile", "south-america", -33.4489, -70.6693, true, false, false, false},
	{"sea", "Seattle, Washington (US)", "north-america", 47.6974, -122.3232, true, false, false, false},
	{"waw", "Warsaw, Poland", "europe", 52.1657, 20.9671, true, false, false, false},
	{"yul", "Montreal, Canada", "north-america", 45.48647, -73.75549, true, false, false, false},
}

func knownRegion(code string) bool {
	for _, r := range regions {
		if r.Code == code {
			return true
		}
	}
	return false
}

func (s *Server) getRegions(w http.ResponseWriter, r *http.Request) {
	rows := make([]map[string]any, 0, len(regions))
	for _, g := range regions {
		rows = append(rows, map[string]any{
			"code": g.Code, "name": g.Name, "geo_region": g.Geo, "latitude": g.Lat, "longitude": g.Lon,
			"deprecated": g.Deprecated, "gateway_available": g.Gateway, "mpg_available": g.MPG,
			"requires_paid_plan": g.RequiresPaid,
		})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i]["code"].(string) < rows[j]["code"].(string) })
	writeJSON(w, http.StatusOK, map[string]any{"nearest": defaultRegion, "regions": rows})
}

// getPlacements spreads count machines over the requested regions (a
// comma-separated list; default the nearest region), at most 10 per region
// at a time.
func (s *Server) getPlacements(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OrgSlug string `json:"org_slug"`
		Region  string `json:"region"`
		Count   int    `json:"count"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.OrgSlug == "" {
		writeError(w, http.StatusBadRequest, "org_slug is required")
		return
	}
	if req.Count < 0 {
		writeError(w, http.StatusBadRequest, "invalid count: must not be negative")
		return
	}
	count := max(req.Count, 1)
	codes := splitList([]string{req.Region})
	if len(codes) == 0 {
		codes = []string{defaultRegion}
	}
	for _, c := range codes {
		if !knownRegion(c) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid region %q", c))
			return
		}
	}
	s.withOrg(w, req.OrgSlug, func(*orgState) {
		out := []map[string]any{}
		for i, c := range codes {
			n := count / len(codes)
			if i < count%len(codes) {
				n++
			}
			if n > 0 {
				out = append(out, map[string]any{"region": strings.ToLower(c), "count": n, "concurrency": min(n, 10)})
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"regions": out})
	})
}
