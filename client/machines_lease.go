package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

const leasePattern = machinePattern + "/lease"

// LeaseOptions are the options of AcquireLease and RefreshLease.
type LeaseOptions struct {
	// TTL is the lease's time to live in seconds (the API's default when 0).
	TTL int
	// Description says why the lease is held.
	Description string
}

// GetLease returns the lease held on a machine; when there is none the API
// answers 404 (ErrNotFound).
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/lease
func (s *MachinesService) GetLease(ctx context.Context, app, id string) (*Lease, error) {
	r := &Request{Method: http.MethodGet, Pattern: leasePattern, Params: machineParams(app, id)}
	return s.leaseCall(ctx, r, nil)
}

// AcquireLease takes a lease on a machine and returns it with its nonce;
// while another holder's lease is live it fails with 409 (ErrConflict).
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/lease
func (s *MachinesService) AcquireLease(ctx context.Context, app, id string, opts *LeaseOptions) (*Lease, error) {
	return s.postLease(ctx, app, id, "", opts)
}

// RefreshLease extends the lease whose nonce is given; the nonce stays the
// same.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/lease
func (s *MachinesService) RefreshLease(ctx context.Context, app, id, nonce string, opts *LeaseOptions) (*Lease, error) {
	if nonce == "" {
		return nil, &Error{Op: "POST " + leasePattern, Method: http.MethodPost, Code: CodeInvalidArgument, Message: "refreshing a lease needs its nonce"}
	}
	return s.postLease(ctx, app, id, nonce, opts)
}

func (s *MachinesService) postLease(ctx context.Context, app, id, nonce string, opts *LeaseOptions) (*Lease, error) {
	body := &CreateLeaseRequest{}
	q := query{}
	if opts != nil {
		body.TTL, body.Description = opts.TTL, opts.Description
		// The document reads the TTL from the body; the API's own client
		// sends it in the query. Both are sent.
		q.integer("ttl", opts.TTL)
	}
	r := &Request{Method: http.MethodPost, Pattern: leasePattern, Params: machineParams(app, id), Nonce: nonce, Query: q.values()}
	return s.leaseCall(ctx, r, body)
}

// ReleaseLease releases the lease whose nonce is given.
//
// API: DELETE /v1/apps/{app_name}/machines/{machine_id}/lease
func (s *MachinesService) ReleaseLease(ctx context.Context, app, id, nonce string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: leasePattern, Params: machineParams(app, id), Nonce: nonce}, nil, nil)
	return err
}

func (s *MachinesService) leaseCall(ctx context.Context, r *Request, in any) (*Lease, error) {
	resp, err := s.client.call(ctx, r, in, nil)
	if err != nil {
		return nil, err
	}
	lease, derr := DecodeLease(resp.Body)
	if derr != nil {
		return nil, s.client.decodeError(r, resp, derr)
	}
	return lease, nil
}

// DecodeLease reads a lease in either shape the API uses: the envelope
// {"status":"success","data":{"nonce",...}} or the flat Lease of the
// document.
func DecodeLease(body []byte) (*Lease, error) {
	var env struct {
		Status  string          `json:"status"`
		Data    json.RawMessage `json:"data"`
		Message string          `json:"message"`
		Error   string          `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, err
	}
	lease := new(Lease)
	if len(env.Data) > 0 && string(env.Data) != "null" {
		if err := json.Unmarshal(env.Data, lease); err != nil {
			return nil, err
		}
		return lease, nil
	}
	if env.Status != "" && env.Status != "success" {
		msg := env.Message
		if msg == "" {
			msg = env.Error
		}
		return nil, fmt.Errorf("lease answer with status %q and no data: %s", env.Status, msg)
	}
	if err := json.Unmarshal(body, lease); err != nil {
		return nil, err
	}
	return lease, nil
}
