package client

import (
	"context"
	"net/http"
)

// GetMemory returns a machine's memory limit and available memory.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/memory
func (s *MachinesService) GetMemory(ctx context.Context, app, id string) (*MemoryResponse, error) {
	out := new(MemoryResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: machinePattern + "/memory", Params: machineParams(app, id)}, nil, out)
	return result(out, err)
}

// SetMemoryLimit sets a machine's memory limit in MB.
//
// API: PUT /v1/apps/{app_name}/machines/{machine_id}/memory
func (s *MachinesService) SetMemoryLimit(ctx context.Context, app, id string, limitMB int) (*MemoryResponse, error) {
	out := new(MemoryResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPut, Pattern: machinePattern + "/memory", Params: machineParams(app, id)}, &SetMemoryLimitRequest{LimitMB: limitMB}, out)
	return result(out, err)
}

// ReclaimMemory asks a machine's balloon device to give back amountMB.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/memory/reclaim
func (s *MachinesService) ReclaimMemory(ctx context.Context, app, id string, amountMB int) (*ReclaimMemoryResponse, error) {
	out := new(ReclaimMemoryResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: machinePattern + "/memory/reclaim", Params: machineParams(app, id)}, &ReclaimMemoryRequest{AmountMB: amountMB}, out)
	return result(out, err)
}
