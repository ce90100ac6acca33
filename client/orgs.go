package client

import (
	"context"
	"net/http"
)

// OrgsService lists machines and volumes across an organization (/v1/orgs).
type OrgsService struct{ client *Client }

// OrgListOptions filters Orgs.ListMachines and Orgs.ListVolumes.
type OrgListOptions struct {
	// IncludeDeleted lists destroyed resources too.
	IncludeDeleted bool
	// Region keeps one region.
	Region string
	// State keeps one state.
	State string
	// Summary asks for a lighter listing.
	Summary bool
	// UpdatedAfter keeps what changed after this time (RFC 3339).
	UpdatedAfter string
	ListOptions
}

func (o *OrgListOptions) split() (query, *ListOptions) {
	q := query{}
	if o == nil {
		return q, nil
	}
	q.boolean("include_deleted", o.IncludeDeleted)
	q.str("region", o.Region)
	q.str("state", o.State)
	q.boolean("summary", o.Summary)
	q.str("updated_after", o.UpdatedAfter)
	return q, &o.ListOptions
}

// ListMachines returns the machines of every app of an organization, every
// page merged unless opts.Limit asks for one.
//
// API: GET /v1/orgs/{org_slug}/machines
func (s *OrgsService) ListMachines(ctx context.Context, org string, opts *OrgListOptions) (*OrgMachinesResponse, error) {
	q, lo := opts.split()
	return listEnvelope(ctx, s.client, &Request{Method: http.MethodGet, Pattern: "/v1/orgs/{org_slug}/machines", Params: params("org_slug", org), Query: q.values()}, lo,
		func(r *OrgMachinesResponse) string { return r.NextCursor },
		func(into, page *OrgMachinesResponse) {
			into.Machines = append(into.Machines, page.Machines...)
			into.ErrorRegions = append(into.ErrorRegions, page.ErrorRegions...)
			into.NextCursor, into.LastMachineID, into.LastUpdatedAt = page.NextCursor, page.LastMachineID, page.LastUpdatedAt
		})
}

// ListVolumes returns the volumes of every app of an organization, every
// page merged unless opts.Limit asks for one.
//
// API: GET /v1/orgs/{org_slug}/volumes
func (s *OrgsService) ListVolumes(ctx context.Context, org string, opts *OrgListOptions) (*OrgVolumesResponse, error) {
	q, lo := opts.split()
	return listEnvelope(ctx, s.client, &Request{Method: http.MethodGet, Pattern: "/v1/orgs/{org_slug}/volumes", Params: params("org_slug", org), Query: q.values()}, lo,
		func(r *OrgVolumesResponse) string { return r.NextCursor },
		func(into, page *OrgVolumesResponse) {
			into.Volumes = append(into.Volumes, page.Volumes...)
			into.NextCursor, into.LastVolumeID, into.LastUpdatedAt = page.NextCursor, page.LastVolumeID, page.LastUpdatedAt
		})
}
