package client

import (
	"context"
	"net/http"
)

const metadataPattern = machinePattern + "/metadata"

// GetMetadata returns all of a machine's metadata.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/metadata
func (s *MachinesService) GetMetadata(ctx context.Context, app, id string) (map[string]string, error) {
	out := map[string]string{}
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: metadataPattern, Params: machineParams(app, id)}, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateMetadata sets and removes several keys at once (keys not named are
// left alone; an empty value removes its key). A stale
// req.MachineVersion fails with 412 (ErrPreconditionFailed).
//
// API: PATCH /v1/apps/{app_name}/machines/{machine_id}/metadata
func (s *MachinesService) UpdateMetadata(ctx context.Context, app, id string, req *UpdateMetadataRequest) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodPatch, Pattern: metadataPattern, Params: machineParams(app, id)}, req, nil)
	return err
}

// PutMetadata is the deprecated PUT alias of UpdateMetadata.
//
// Deprecated: use UpdateMetadata.
//
// API: PUT /v1/apps/{app_name}/machines/{machine_id}/metadata
func (s *MachinesService) PutMetadata(ctx context.Context, app, id string, req *UpdateMetadataRequest) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodPut, Pattern: metadataPattern, Params: machineParams(app, id)}, req, nil)
	return err
}

// GetMetadataKey returns the value of one metadata key; a missing key is a
// 404 (ErrNotFound).
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}
func (s *MachinesService) GetMetadataKey(ctx context.Context, app, id, key string) (string, error) {
	out := new(MetadataValueResponse)
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: metadataPattern + "/{key}", Params: metadataParams(app, id, key)}, nil, out); err != nil {
		return "", err
	}
	return out.Value, nil
}

// SetMetadataKey sets one metadata key.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}
func (s *MachinesService) SetMetadataKey(ctx context.Context, app, id, key, value string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: metadataPattern + "/{key}", Params: metadataParams(app, id, key)}, &UpsertMetadataKeyRequest{Value: value}, nil)
	return err
}

// DeleteMetadataKey removes one metadata key.
//
// API: DELETE /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}
func (s *MachinesService) DeleteMetadataKey(ctx context.Context, app, id, key string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: metadataPattern + "/{key}", Params: metadataParams(app, id, key)}, nil, nil)
	return err
}

func metadataParams(app, id, key string) map[string]string {
	return params("app_name", app, "machine_id", id, "key", key)
}
