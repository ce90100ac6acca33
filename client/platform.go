package client

import (
	"context"
	"net/http"
)

// PlatformService answers questions about the platform: regions and
// placements (/v1/platform).
type PlatformService struct{ client *Client }

// Regions returns the platform's regions. It needs no token.
//
// API: GET /v1/platform/regions
func (s *PlatformService) Regions(ctx context.Context) (*RegionResponse, error) {
	out := new(RegionResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/platform/regions"}, nil, out)
	return result(out, err)
}

// Placements suggests regions for machines of a given size.
//
// API: POST /v1/platform/placements
func (s *PlatformService) Placements(ctx context.Context, req *GetPlacementsRequest) (*GetPlacementsResponse, error) {
	out := new(GetPlacementsResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/platform/placements"}, req, out)
	return result(out, err)
}
