package sim

import (
	"fmt"
	"strings"
	"time"
)

// action is something that moves a machine through its lifecycle.
type action string

const (
	actLaunch       action = "launch"       // create and start
	actCreate       action = "create"       // create with skip_launch
	actStart        action = "start"        // POST .../start
	actStop         action = "stop"         // POST .../stop
	actSuspend      action = "suspend"      // POST .../suspend
	actRestart      action = "restart"      // POST .../restart
	actUpdate       action = "update"       // POST .../{id}, then run
	actUpdateNoRun  action = "update_skip"  // POST .../{id} with skip_launch
	actDestroy      action = "destroy"      // DELETE .../{id}
	actForceDestroy action = "force_delete" // DELETE .../{id}?force=true (or kill=true)
	actKill         action = "kill"         // SIGKILL through .../signal
)

// stateLaunching is the internal state of a machine created without
// skip_launch that has not begun starting yet. The API shows it as
// `created`, but it is transient: the machine is on its way to `started`,
// and a start request then gets the real API's
// "unable to start machine from current state: 'created'".
const stateLaunching = "creating"

// transition is where an action leads from one state: through the
// transient states in via, each lasting its Timings duration, to the state to.
type transition struct {
	via []string
	to  string
}

// lifecycle is the machine state machine: action -> current state ->
// transition. A state missing under an action means the action is refused
// with 412 failed_precondition (see refusal). A transition whose to is the
// current state and that has no via is accepted and changes nothing.
var lifecycle = map[action]map[string]transition{
	actLaunch: {"": {via: []string{stateLaunching, "starting"}, to: "started"}},
	actCreate: {"": {to: "created"}},
	actStart: {
		"created":   {via: []string{"starting"}, to: "started"},
		"stopped":   {via: []string{"starting"}, to: "started"},
		"suspended": {via: []string{"starting"}, to: "started"},
		"failed":    {via: []string{"starting"}, to: "started"},
	},
	actStop: {
		"started":    {via: []string{"stopping"}, to: "stopped"},
		"starting":   {via: []string{"stopping"}, to: "stopped"},
		"restarting": {via: []string{"stopping"}, to: "stopped"},
		"suspended":  {via: []string{"stopping"}, to: "stopped"},
		"failed":     {to: "stopped"},
		"stopped":    {to: "stopped"},
		"created":    {to: "created"},
	},
	actSuspend: {
		"started":   {via: []string{"suspending"}, to: "suspended"},
		"suspended": {to: "suspended"},
	},
	actRestart: {
		"started": {via: []string{"restarting"}, to: "started"},
	},
	actUpdate: {
		"created":   {via: []string{"replacing", "starting"}, to: "started"},
		"started":   {via: []string{"replacing", "starting"}, to: "started"},
		"stopped":   {via: []string{"replacing", "starting"}, to: "started"},
		"suspended": {via: []string{"replacing", "starting"}, to: "started"},
		"failed":    {via: []string{"replacing", "starting"}, to: "started"},
	},
	actUpdateNoRun: {
		"created":   {via: []string{"replacing"}, to: "created"},
		"started":   {via: []string{"replacing"}, to: "stopped"},
		"stopped":   {via: []string{"replacing"}, to: "stopped"},
		"suspended": {via: []string{"replacing"}, to: "stopped"},
		"failed":    {via: []string{"replacing"}, to: "stopped"},
	},
	actDestroy: {
		"created":   {via: []string{"destroying"}, to: "destroyed"},
		"stopped":   {via: []string{"destroying"}, to: "destroyed"},
		"suspended": {via: []string{"destroying"}, to: "destroyed"},
		"failed":    {via: []string{"destroying"}, to: "destroyed"},
	},
	actForceDestroy: {
		stateLaunching: {via: []string{"destroying"}, to: "destroyed"},
		"created":      {via: []string{"destroying"}, to: "destroyed"},
		"starting":     {via: []string{"destroying"}, to: "destroyed"},
		"started":      {via: []string{"destroying"}, to: "destroyed"},
		"stopping":     {via: []string{"destroying"}, to: "destroyed"},
		"stopped":      {via: []string{"destroying"}, to: "destroyed"},
		"suspending":   {via: []string{"destroying"}, to: "destroyed"},
		"suspended":    {via: []string{"destroying"}, to: "destroyed"},
		"restarting":   {via: []string{"destroying"}, to: "destroyed"},
		"replacing":    {via: []string{"destroying"}, to: "destroyed"},
		"failed":       {via: []string{"destroying"}, to: "destroyed"},
		"destroying":   {to: "destroying"},
	},
	actKill: {
		"started": {to: "stopped"},
	},
}

// refusal is the 412 message of an action refused in a state.
func refusal(act action, state string) string {
	shown := displayState(state)
	switch act {
	case actStart:
		if state == "replacing" {
			return "failed_precondition: machine getting replaced, refusing to start"
		}
		return fmt.Sprintf("failed_precondition: unable to start machine from current state: '%s'", shown)
	case actDestroy:
		return fmt.Sprintf("failed_precondition: unable to destroy machine, not currently stopped, suspended or failed (state: '%s'); stop it first or use force=true", shown)
	case actUpdate, actUpdateNoRun:
		return fmt.Sprintf("failed_precondition: unable to update machine from current state: '%s'", shown)
	case actKill:
		return fmt.Sprintf("failed_precondition: unable to signal machine from current state: '%s'", shown)
	}
	verb := strings.TrimSuffix(string(act), "_force")
	return fmt.Sprintf("failed_precondition: unable to %s machine from current state: '%s'", verb, shown)
}

// displayState is the state as the API shows it.
func displayState(s string) string {
	if s == stateLaunching {
		return "created"
	}
	return s
}

// transientStates are the states a machine only passes through; `settled`
// waits for any other.
var transientStates = map[string]bool{
	stateLaunching: true, "starting": true, "stopping": true, "restarting": true,
	"suspending": true, "destroying": true, "replacing": true, "updating": true,
}

// stepDuration is how long a machine stays in a transient state.
func (s *Server) stepDuration(state string) time.Duration {
	t := s.cfg.timings
	switch state {
	case stateLaunching:
		return t.Launch
	case "starting":
		return t.Start
	case "stopping":
		return t.Stop
	case "suspending":
		return t.Suspend
	case "restarting":
		return t.Restart
	case "replacing", "updating":
		return t.Update
	case "destroying":
		return t.Destroy
	}
	return 0
}

// eventTypes name the event of the request that began each action.
var eventTypes = map[action]string{
	actLaunch: "launch", actCreate: "launch", actStart: "start", actStop: "stop",
	actSuspend: "suspend", actRestart: "restart", actUpdate: "update", actUpdateNoRun: "update",
	actDestroy: "destroy", actForceDestroy: "destroy", actKill: "exit",
}

// apply runs act on m, or returns the 412 message when the table refuses
// it. Called with s.mu held.
func (s *Server) apply(m *machine, act action, request map[string]any) (string, bool) {
	from := m.State
	if act == actLaunch || act == actCreate {
		from = ""
	}
	t, ok := lifecycle[act][from]
	if !ok {
		return refusal(act, m.State), false
	}
	if len(t.via) == 0 && t.to == m.State {
		return "", true
	}
	s.stopTimer(m.ID)
	steps := append(append([]string{}, t.via...), t.to)
	m.Action = string(act)
	m.Steps = steps[1:]
	s.enter(m, steps[0], "user", eventTypes[act], request)
	s.schedule(m)
	return "", true
}

// enter moves m into state and records the event. Called with s.mu held.
func (s *Server) enter(m *machine, state, source, typ string, request map[string]any) {
	s.touch(kindMachine, m.ID)
	now := s.clock.Now()
	m.State = state
	m.UpdatedAt = now
	if typ == "" {
		typ = eventTypes[action(m.Action)]
	}
	switch state {
	case "stopped":
		if source == "flyd" || m.Action == string(actKill) {
			typ = "exit"
			code, sig := 0, 15
			if m.Action == string(actKill) {
				code, sig = 137, 9
			}
			request = map[string]any{"exit_event": map[string]any{
				"exit_code": code, "guest_exit_code": 0, "guest_signal": -1, "oom_killed": false,
				"requested_stop": true, "restarting": false, "signal": sig, "exited_at": now.UTC().Format(time.RFC3339Nano),
			}}
		}
	case "failed":
		typ = "exit"
		request = map[string]any{"exit_event": map[string]any{
			"exit_code": 1, "guest_exit_code": 1, "guest_signal": -1, "oom_killed": false,
			"requested_stop": false, "restarting": false, "signal": -1, "exited_at": now.UTC().Format(time.RFC3339Nano),
		}}
	case "destroyed":
		s.detachVolumes(m)
		m.Lease = nil
	case "starting", "restarting":
		// A (re)booting machine reads the app's secrets as they are now.
		m.BootSecrets = map[string]string{}
		if a := s.w.Apps[m.App]; a != nil {
			for k, sec := range a.Secrets {
				m.BootSecrets[k] = sec.Value
			}
		}
	}
	m.Events = append(m.Events, &event{
		ID: s.ids.ulid(now), Type: typ, Status: displayState(state), Source: source,
		Timestamp: now.UnixMilli(), Request: request,
	})
	if len(m.Events) > maxEvents {
		m.Events = m.Events[len(m.Events)-maxEvents:]
	}
	s.commit()
}

// maxEvents is how many events a machine keeps.
const maxEvents = 100

// schedule arms the timer of m's next step, or finishes the transition.
// Zero-length steps happen at once. Called with s.mu held.
func (s *Server) schedule(m *machine) {
	for len(m.Steps) > 0 {
		d := s.stepDuration(m.State)
		if m.State == "starting" && hasImage(m, slowImage) {
			d += slowStart
		}
		if d > 0 {
			m.StepDue = s.clock.Now().Add(d)
			s.armTimer(m.ID, d)
			return
		}
		s.step(m)
	}
	m.Action = ""
	m.StepDue = time.Time{}
}

func (s *Server) armTimer(id string, d time.Duration) {
	if s.closed {
		return
	}
	s.timerSeq++
	seq := s.timerSeq
	t := s.clock.AfterFunc(d, func() { s.fire(id, seq) })
	s.timers[id] = pendingTimer{t: t, seq: seq}
}

type pendingTimer struct {
	t   Timer
	seq int64
}

// fire is a machine's step timer going off.
func (s *Server) fire(id string, seq int64) {
	s.mu.Lock()
	if s.closed || s.timers[id].seq != seq {
		s.mu.Unlock()
		return
	}
	delete(s.timers, id)
	m := s.w.Machines[id]
	if m != nil && len(m.Steps) > 0 {
		s.step(m)
		s.schedule(m)
	}
	s.mu.Unlock()
	s.persist()
}

// step moves m to its next state. Called with s.mu held.
func (s *Server) step(m *machine) {
	next := m.Steps[0]
	m.Steps = m.Steps[1:]
	if next == "started" && failsOnStart(m) {
		next, m.Steps = "failed", nil
	}
	s.enter(m, next, "flyd", "", nil)
}

func (s *Server) stopTimer(id string) {
	if p, ok := s.timers[id]; ok {
		p.t.Stop()
		delete(s.timers, id)
	}
}

// resumeTransitions re-arms the transitions in flight of a loaded state.
func (s *Server) resumeTransitions() {
	now := s.clock.Now()
	for _, m := range s.w.Machines {
		if len(m.Steps) == 0 {
			continue
		}
		if d := m.StepDue.Sub(now); d > 0 {
			s.armTimer(m.ID, d)
			continue
		}
		s.step(m)
		s.schedule(m)
	}
}

// The image conventions that make failures happen (any registry, any tag):
// a machine on `sim-fail` exits at once when it starts and ends `failed`;
// one on `sim-unhealthy` starts but fails its health checks (checks.go);
// one on `sim-slow` stays `starting` slowStart longer than the timings say,
// even with InstantTimings (on the simulator's clock).
const (
	failImage = "sim-fail"
	slowImage = "sim-slow"
	slowStart = 30 * time.Second
)

// hasImage reports whether m's current image is named name.
func hasImage(m *machine, name string) bool {
	img, _ := m.config()["image"].(string)
	return imageName(img) == name
}

// failsOnStart: a machine whose image is named `sim-fail` exits at once
// when it starts, and ends `failed`.
func failsOnStart(m *machine) bool { return hasImage(m, failImage) }

// imageName returns the last path element of an image reference, without
// tag or digest.
func imageName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}
