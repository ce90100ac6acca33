package client

import (
	"context"
	"net/http"
)

// IPsService handles an app's IP assignments (/v1/apps/{app_name}/ip_assignments).
type IPsService struct{ client *Client }

// List returns the IP addresses assigned to an app.
//
// API: GET /v1/apps/{app_name}/ip_assignments
func (s *IPsService) List(ctx context.Context, app string) ([]IPAssignment, error) {
	out := new(ListIPAssignmentsResponse)
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/ip_assignments", Params: params("app_name", app)}, nil, out); err != nil {
		return nil, err
	}
	if out.IPs == nil {
		return []IPAssignment{}, nil
	}
	return out.IPs, nil
}

// Assign allocates a new IP address to an app.
//
// API: POST /v1/apps/{app_name}/ip_assignments
func (s *IPsService) Assign(ctx context.Context, app string, req *AssignIPRequest) (*AssignIPResponse, error) {
	out := new(AssignIPResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/ip_assignments", Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// Release removes an IP assignment from an app.
//
// API: DELETE /v1/apps/{app_name}/ip_assignments/{ip}
func (s *IPsService) Release(ctx context.Context, app, ip string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: "/v1/apps/{app_name}/ip_assignments/{ip}", Params: params("app_name", app, "ip", ip)}, nil, nil)
	return err
}
