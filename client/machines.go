package client

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// MachinesService handles machines (/v1/apps/{app_name}/machines): their
// lifecycle, leases, metadata, memory and waits.
type MachinesService struct{ client *Client }

const (
	machinesPattern = "/v1/apps/{app_name}/machines"
	machinePattern  = "/v1/apps/{app_name}/machines/{machine_id}"
)

func machineParams(app, id string) map[string]string {
	return params("app_name", app, "machine_id", id)
}

// machineAction makes a POST to a machine's action path (start, stop, ...).
func (s *MachinesService) machineAction(ctx context.Context, app, id, action, nonce string, q query, in, out any) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: machinePattern + "/" + action,
		Params: machineParams(app, id), Nonce: nonce, Query: q.values()}, in, out)
	return err
}

// MachineListOptions filters Machines.List.
type MachineListOptions struct {
	// IncludeDeleted lists destroyed machines too.
	IncludeDeleted bool
	// IncludeLeases fills each machine's lease.
	IncludeLeases bool
	// Region keeps the machines of one region.
	Region string
	// State keeps the machines in one state (created, started, stopped,
	// suspended).
	State string
	// Summary asks for a lighter listing.
	Summary bool
	// Metadata keeps the machines whose metadata has these values
	// (metadata.{key}=value).
	Metadata map[string]string
	ListOptions
}

// List returns an app's machines, following every page unless opts.Limit
// asks for one.
//
// API: GET /v1/apps/{app_name}/machines
func (s *MachinesService) List(ctx context.Context, app string, opts *MachineListOptions) ([]Machine, error) {
	q := query{}
	var lo *ListOptions
	if opts != nil {
		q.boolean("include_deleted", opts.IncludeDeleted)
		q.boolean("include_leases", opts.IncludeLeases)
		q.str("region", opts.Region)
		q.str("state", opts.State)
		q.boolean("summary", opts.Summary)
		keys := make([]string, 0, len(opts.Metadata))
		for k := range opts.Metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			q["metadata."+k] = []string{opts.Metadata[k]}
		}
		lo = &opts.ListOptions
	}
	return listArray[Machine](ctx, s.client, &Request{Method: http.MethodGet, Pattern: machinesPattern, Params: params("app_name", app), Query: q.values()}, lo)
}

// Create creates a machine (and starts it unless req.SkipLaunch). When the
// outcome of the request is unknown (a timeout or reset after it was sent)
// and req.Name is set, the machine is looked up by name before trying
// again; without a name the error's Code is "outcome_unknown".
//
// API: POST /v1/apps/{app_name}/machines
func (s *MachinesService) Create(ctx context.Context, app string, req *CreateMachineRequest) (*Machine, error) {
	out := new(Machine)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: machinesPattern, Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// MachineGetOptions are the options of Machines.Get.
type MachineGetOptions struct {
	// Version fetches an earlier version of the machine.
	Version string
	// IncludeLeases fills the machine's lease.
	IncludeLeases bool
}

// Get returns a machine.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}
func (s *MachinesService) Get(ctx context.Context, app, id string, opts *MachineGetOptions) (*Machine, error) {
	q := query{}
	if opts != nil {
		q.str("version", opts.Version)
		q.boolean("include_leases", opts.IncludeLeases)
	}
	out := new(Machine)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: machinePattern, Params: machineParams(app, id), Query: q.values()}, nil, out)
	return result(out, err)
}

// UpdateOptions are the options of Machines.Update.
type UpdateOptions struct {
	// Nonce is the nonce of the lease held on the machine.
	Nonce string
}

// Update replaces a machine's configuration, creating a new version. A
// req.CurrentVersion that is no longer current fails with 409 (ErrConflict)
// and changes nothing.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}
func (s *MachinesService) Update(ctx context.Context, app, id string, req *UpdateMachineRequest, opts *UpdateOptions) (*Machine, error) {
	out := new(Machine)
	r := &Request{Method: http.MethodPost, Pattern: machinePattern, Params: machineParams(app, id)}
	if opts != nil {
		r.Nonce = opts.Nonce
	}
	_, err := s.client.call(ctx, r, req, out)
	return result(out, err)
}

// DestroyOptions are the options of Machines.Destroy.
type DestroyOptions struct {
	// Force kills a running machine.
	Force bool
	// Nonce is the nonce of the lease held on the machine.
	Nonce string
}

// Destroy destroys a machine.
//
// API: DELETE /v1/apps/{app_name}/machines/{machine_id}
func (s *MachinesService) Destroy(ctx context.Context, app, id string, opts *DestroyOptions) error {
	q := query{}
	r := &Request{Method: http.MethodDelete, Pattern: machinePattern, Params: machineParams(app, id)}
	if opts != nil {
		q.boolean("force", opts.Force)
		r.Nonce = opts.Nonce
	}
	r.Query = q.values()
	_, err := s.client.call(ctx, r, nil, nil)
	return err
}

// NonceOptions carry the lease nonce of the lifecycle calls that take
// nothing else (start, suspend, cordon, uncordon).
type NonceOptions struct {
	// Nonce is the nonce of the lease held on the machine.
	Nonce string
}

func (o *NonceOptions) nonce() string {
	if o == nil {
		return ""
	}
	return o.Nonce
}

// Cordon takes a machine's services off the Fly Proxy; its state does not
// change.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/cordon
func (s *MachinesService) Cordon(ctx context.Context, app, id string, opts *NonceOptions) error {
	return s.machineAction(ctx, app, id, "cordon", opts.nonce(), nil, nil, nil)
}

// Uncordon puts a machine's services back on the Fly Proxy.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/uncordon
func (s *MachinesService) Uncordon(ctx context.Context, app, id string, opts *NonceOptions) error {
	return s.machineAction(ctx, app, id, "uncordon", opts.nonce(), nil, nil, nil)
}

// EventsOptions are the options of Machines.ListEvents.
type EventsOptions struct {
	// Limit is the number of events (the API's default is 20, its maximum 50).
	Limit int
}

// ListEvents returns a machine's recent events, newest first.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/events
func (s *MachinesService) ListEvents(ctx context.Context, app, id string, opts *EventsOptions) ([]MachineEvent, error) {
	q := query{}
	if opts != nil {
		q.integer("limit", opts.Limit)
	}
	var out []MachineEvent
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: machinePattern + "/events", Params: machineParams(app, id), Query: q.values()}, nil, &out); err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// Exec runs a command in a machine and returns its exit code and output.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/exec
func (s *MachinesService) Exec(ctx context.Context, app, id string, req *MachineExecRequest) (*ExecResponse, error) {
	r := &Request{Method: http.MethodPost, Pattern: machinePattern + "/exec", Params: machineParams(app, id),
		Header: http.Header{"Accept": {"application/json, application/octet-stream"}}}
	resp, err := s.client.call(ctx, r, req, nil)
	if err != nil {
		return nil, err
	}
	out := new(ExecResponse)
	if json.Unmarshal(resp.Body, out) != nil {
		// An octet-stream answer is the command's output itself.
		out = &ExecResponse{Stdout: string(resp.Body)}
	}
	return out, nil
}

// ProcessesOptions are the options of Machines.ListProcesses.
type ProcessesOptions struct {
	// SortBy names the column to sort by.
	SortBy string
	// Order is "asc" or "desc".
	Order string
}

// ListProcesses returns the processes running in a machine.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/ps
func (s *MachinesService) ListProcesses(ctx context.Context, app, id string, opts *ProcessesOptions) ([]ProcessStat, error) {
	q := query{}
	if opts != nil {
		q.str("sort_by", opts.SortBy)
		q.str("order", opts.Order)
	}
	var out []ProcessStat
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: machinePattern + "/ps", Params: machineParams(app, id), Query: q.values()}, nil, &out); err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// RestartOptions are the options of Machines.Restart.
type RestartOptions struct {
	// Timeout is how long to wait for the machine to stop before killing it:
	// a Go duration ("10s") or a number of seconds.
	Timeout string
	// Signal is the signal that stops the machine (SIGTERM, SIGINT, ...).
	Signal string
	// Nonce is the nonce of the lease held on the machine.
	Nonce string
}

// Restart restarts a machine.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/restart
func (s *MachinesService) Restart(ctx context.Context, app, id string, opts *RestartOptions) error {
	q := query{}
	nonce := ""
	if opts != nil {
		q.str("timeout", opts.Timeout)
		q.str("signal", opts.Signal)
		nonce = opts.Nonce
	}
	return s.machineAction(ctx, app, id, "restart", nonce, q, nil, nil)
}

// Signal sends a signal (SIGTERM, SIGKILL, SIGUSR1, ...) to a machine.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/signal
func (s *MachinesService) Signal(ctx context.Context, app, id, signal string) error {
	return s.machineAction(ctx, app, id, "signal", "", nil, &SignalRequest{Signal: signal}, nil)
}

// StartResponse is the answer to a start. The document gives it no schema;
// these are the fields the API is known to send.
type StartResponse struct {
	// PreviousState is the state the machine started from.
	PreviousState string `json:"previous_state,omitempty"`
	// Migrated tells whether the machine moved to another host.
	Migrated *bool `json:"migrated,omitempty"`
	// NewHost is the machine's new host when it moved.
	NewHost string `json:"new_host,omitempty"`
	// Message is an informational message.
	Message string `json:"message,omitempty"`
	// Status is the API's status word.
	Status string `json:"status,omitempty"`
}

// Start starts a stopped or suspended machine.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/start
func (s *MachinesService) Start(ctx context.Context, app, id string, opts *NonceOptions) (*StartResponse, error) {
	out := new(StartResponse)
	err := s.machineAction(ctx, app, id, "start", opts.nonce(), nil, nil, out)
	return result(out, err)
}

// StopOptions are the options of Machines.Stop.
type StopOptions struct {
	// Signal is the stop signal (SIGINT by default on the API's side).
	Signal string
	// Timeout is how long to wait before SIGKILL, a Go duration ("10s").
	Timeout string
	// Nonce is the nonce of the lease held on the machine.
	Nonce string
}

// Stop stops a machine.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/stop
func (s *MachinesService) Stop(ctx context.Context, app, id string, opts *StopOptions) error {
	body := &StopRequest{}
	nonce := ""
	if opts != nil {
		body.Signal, body.Timeout, nonce = strings.ToUpper(opts.Signal), opts.Timeout, opts.Nonce
	}
	return s.machineAction(ctx, app, id, "stop", nonce, nil, body, nil)
}

// Suspend suspends a started machine; the next start tries to resume it
// from its snapshot.
//
// API: POST /v1/apps/{app_name}/machines/{machine_id}/suspend
func (s *MachinesService) Suspend(ctx context.Context, app, id string, opts *NonceOptions) error {
	return s.machineAction(ctx, app, id, "suspend", opts.nonce(), nil, nil, nil)
}

// ListVersions returns a machine's versions.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/versions
func (s *MachinesService) ListVersions(ctx context.Context, app, id string) ([]MachineVersion, error) {
	var out []MachineVersion
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: machinePattern + "/versions", Params: machineParams(app, id)}, nil, &out); err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// nonNil returns an empty slice for nil, so that lists encode as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
