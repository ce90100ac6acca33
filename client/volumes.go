package client

import (
	"context"
	"net/http"
)

// VolumesService handles volumes and their snapshots
// (/v1/apps/{app_name}/volumes).
type VolumesService struct{ client *Client }

const (
	volumesPattern = "/v1/apps/{app_name}/volumes"
	volumePattern  = volumesPattern + "/{volume_id}"
)

func volumeParams(app, id string) map[string]string {
	return params("app_name", app, "volume_id", id)
}

// VolumeListOptions filters Volumes.List.
type VolumeListOptions struct {
	// Summary asks for a lighter listing.
	Summary bool
	ListOptions
}

// List returns an app's volumes, following every page unless opts.Limit
// asks for one.
//
// API: GET /v1/apps/{app_name}/volumes
func (s *VolumesService) List(ctx context.Context, app string, opts *VolumeListOptions) ([]Volume, error) {
	q := query{}
	var lo *ListOptions
	if opts != nil {
		q.boolean("summary", opts.Summary)
		lo = &opts.ListOptions
	}
	return listArray[Volume](ctx, s.client, &Request{Method: http.MethodGet, Pattern: volumesPattern, Params: params("app_name", app), Query: q.values()}, lo)
}

// Create creates a volume.
//
// API: POST /v1/apps/{app_name}/volumes
func (s *VolumesService) Create(ctx context.Context, app string, req *CreateVolumeRequest) (*Volume, error) {
	out := new(Volume)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: volumesPattern, Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// Get returns a volume.
//
// API: GET /v1/apps/{app_name}/volumes/{volume_id}
func (s *VolumesService) Get(ctx context.Context, app, id string) (*Volume, error) {
	out := new(Volume)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: volumePattern, Params: volumeParams(app, id)}, nil, out)
	return result(out, err)
}

// Update changes a volume's backup settings (auto_backup_enabled,
// snapshot_retention).
//
// API: PUT /v1/apps/{app_name}/volumes/{volume_id}
func (s *VolumesService) Update(ctx context.Context, app, id string, req *UpdateVolumeRequest) (*Volume, error) {
	out := new(Volume)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPut, Pattern: volumePattern, Params: volumeParams(app, id)}, req, out)
	return result(out, err)
}

// Destroy destroys a volume and returns it; an attached volume fails with
// 409 (ErrConflict).
//
// API: DELETE /v1/apps/{app_name}/volumes/{volume_id}
func (s *VolumesService) Destroy(ctx context.Context, app, id string) (*Volume, error) {
	out := new(Volume)
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: volumePattern, Params: volumeParams(app, id)}, nil, out)
	return result(out, err)
}

// Extend grows a volume; when the answer's NeedsRestart is true the machine
// must be restarted to see the space.
//
// API: PUT /v1/apps/{app_name}/volumes/{volume_id}/extend
func (s *VolumesService) Extend(ctx context.Context, app, id string, sizeGB int) (*ExtendVolumeResponse, error) {
	out := new(ExtendVolumeResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPut, Pattern: volumePattern + "/extend", Params: volumeParams(app, id)}, &ExtendVolumeRequest{SizeGB: sizeGB}, out)
	return result(out, err)
}

// ListSnapshots returns a volume's snapshots.
//
// API: GET /v1/apps/{app_name}/volumes/{volume_id}/snapshots
func (s *VolumesService) ListSnapshots(ctx context.Context, app, id string) ([]VolumeSnapshot, error) {
	var out []VolumeSnapshot
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: volumePattern + "/snapshots", Params: volumeParams(app, id)}, nil, &out); err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// CreateSnapshot takes an on-demand snapshot of a volume.
//
// API: POST /v1/apps/{app_name}/volumes/{volume_id}/snapshots
func (s *VolumesService) CreateSnapshot(ctx context.Context, app, id string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: volumePattern + "/snapshots", Params: volumeParams(app, id)}, nil, nil)
	return err
}
