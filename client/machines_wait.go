package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

const waitPattern = machinePattern + "/wait"

// MaxWaitSlice is the longest a single wait request blocks on the API's side.
const MaxWaitSlice = 60 * time.Second

// DefaultWaitTimeout is the total time Wait waits when WaitOptions.Timeout is 0.
const DefaultWaitTimeout = 60 * time.Second

// WaitOptions are the options of Machines.Wait.
type WaitOptions struct {
	// States are the states to wait for, any of them (started, stopped,
	// suspended, destroyed, failed, settled); "started" when empty.
	States []string
	// Timeout is the total time to wait, any length (DefaultWaitTimeout
	// when 0). The API blocks for at most MaxWaitSlice per request; Wait
	// makes as many requests as it takes.
	Timeout time.Duration
	// Version waits on a given version of the machine. When the machine was
	// replaced by a newer version meanwhile, Wait continues with that one.
	Version string
	// FromEventID waits for a transition after that event.
	FromEventID string
}

// TerminalStates are the states a machine does not leave by itself:
// `destroyed` for good, and `failed` until someone starts, updates or
// destroys it. Wait asks for them as well as for the states it waits for,
// and fails at once (CodeTerminalState) when the machine is in one it was
// not asked to wait for, instead of sitting out its timeout.
var TerminalStates = []string{"failed", "destroyed"}

// terminalQuery returns the states to send: those waited for, plus the
// terminal states they do not cover. `settled` covers them already. With a
// version, `destroyed` is left out: an older version counts as destroyed as
// soon as the machine is updated, which is not the machine's end.
func terminalQuery(states []string, version string) (query []string, extra map[string]bool) {
	query = slices.Clone(states)
	if slices.Contains(states, "settled") {
		return query, nil
	}
	for _, t := range TerminalStates {
		if slices.Contains(states, t) || (t == "destroyed" && version != "") {
			continue
		}
		if extra == nil {
			extra = map[string]bool{}
		}
		extra[t] = true
		query = append(query, t)
	}
	return query, extra
}

// Wait waits until a machine reaches one of opts.States, for up to
// opts.Timeout however long that is: it loops the API's long poll in slices
// of at most 60 s, treating 408 as "not yet". Waiting for "destroyed", a
// machine that is gone (404) counts as destroyed. A machine found in a
// terminal state that was not asked for (`failed` while waiting for
// `started`) ends the wait at once with Code CodeTerminalState. When the wait times out the
// error's Code is "timeout"; when ctx ends it is "canceled" or "timeout" and
// wraps ctx's error.
//
// API: GET /v1/apps/{app_name}/machines/{machine_id}/wait
func (s *MachinesService) Wait(ctx context.Context, app, id string, opts *WaitOptions) (*WaitMachineResponse, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if len(o.States) == 0 {
		o.States = []string{"started"}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultWaitTimeout
	}
	clk := s.client.clock
	deadline := clk.Now().Add(o.Timeout)
	version := o.Version
	refetched := map[string]bool{}
	var last *Error
	for attempt := 0; ; attempt++ {
		remaining := deadline.Sub(clk.Now())
		if remaining <= 0 {
			return nil, s.waitTimeout(app, id, o, last)
		}
		slice := min(remaining, MaxWaitSlice)
		secs := max(1, int((slice+time.Second-1)/time.Second))
		states, extra := terminalQuery(o.States, version)
		q := query{"state": states}
		q.str("timeout", strconv.Itoa(secs))
		q.str("version", version)
		q.str("from_event_id", o.FromEventID)
		r := &Request{Method: http.MethodGet, Pattern: waitPattern, Params: machineParams(app, id), Query: q.values()}
		out := new(WaitMachineResponse)
		began := clk.Now()
		_, err := s.client.call(ctx, r, nil, out)
		if err == nil {
			if extra[out.State] {
				return nil, s.terminal(app, id, o, out)
			}
			return out, nil
		}
		var e *Error
		if !errors.As(err, &e) {
			return nil, err
		}
		switch {
		case e.StatusCode == http.StatusRequestTimeout:
			last = e
			// A "not yet" that came back well before its slice: pause a
			// little rather than spin.
			if clk.Now().Sub(began) < slice/2 {
				pause := min(time.Duration(500+s.client.jitter()*1500)*time.Millisecond, deadline.Sub(clk.Now()))
				if err := clk.Sleep(ctx, pause); err != nil {
					return nil, s.client.sanitize(ctxError(&Error{Op: "GET " + waitPattern, Method: http.MethodGet, Path: e.Path}, err))
				}
			}
			continue
		case e.StatusCode == http.StatusNotFound && slices.Contains(o.States, "destroyed"):
			return &WaitMachineResponse{Ok: Ptr(true), State: "destroyed"}, nil
		case version != "" && !refetched[version] && e.StatusCode >= 400 && e.StatusCode < 500 && e.StatusCode != http.StatusTooManyRequests:
			// The version waited on may have been replaced: wait on the
			// machine's current version instead.
			refetched[version] = true
			m, gerr := s.Get(ctx, app, id, nil)
			if gerr != nil || m.Version == "" || m.Version == version {
				return nil, err
			}
			version = m.Version
			continue
		}
		return nil, err
	}
}

// terminal is the error of a wait that found the machine in a terminal
// state it was not waiting for.
func (s *MachinesService) terminal(app, id string, o WaitOptions, out *WaitMachineResponse) error {
	path, _ := expand(waitPattern, machineParams(app, id))
	return s.client.sanitize(&Error{Op: "GET " + waitPattern, Method: http.MethodGet, Path: path, Code: CodeTerminalState,
		Message: fmt.Sprintf("machine %s is %s and will not reach %v by itself", id, out.State, o.States)})
}

func (s *MachinesService) waitTimeout(app, id string, o WaitOptions, last *Error) error {
	path, _ := expand(waitPattern, machineParams(app, id))
	e := &Error{Op: "GET " + waitPattern, Method: http.MethodGet, Path: path, StatusCode: http.StatusRequestTimeout, Code: CodeTimeout,
		Message: fmt.Sprintf("machine %s did not reach %v within %v", id, o.States, o.Timeout)}
	if last != nil {
		e.RequestID, e.Body = last.RequestID, last.Body
		e.Message += " (" + last.Message + ")"
	}
	return s.client.sanitize(e)
}
