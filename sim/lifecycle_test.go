package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLifecycleTable checks the table itself: every transient state has a
// duration, every action lands in a known state.
func TestLifecycleTable(t *testing.T) {
	s := New(WithClock(NewFakeClock(t0)))
	defer s.Close()
	persistent := map[string]bool{"created": true, "started": true, "stopped": true, "suspended": true, "failed": true, "destroyed": true}
	for act, rows := range lifecycle {
		for from, tr := range rows {
			for _, v := range tr.via {
				assert.True(t, transientStates[v], "%s from %q passes through %q, which is not transient", act, from, v)
				assert.Positive(t, s.stepDuration(v), "%s: no duration for %q", act, v)
			}
			assert.True(t, persistent[tr.to] || transientStates[tr.to], "%s from %q ends in unknown state %q", act, from, tr.to)
		}
	}
}

// setup steps bring a new machine into a state before the tested request.
type setupStep struct {
	method, path string // path relative to the machine, "" for the machine itself
	body         any
	settle       bool
}

func TestLifecycle(t *testing.T) {
	stop := setupStep{"POST", "/stop", nil, true}
	suspend := setupStep{"POST", "/suspend", nil, true}
	for _, tc := range []struct {
		name       string
		create     map[string]any
		setup      []setupStep
		method     string
		path       string
		body       any
		wantCode   int
		wantErr    string // substring of the error
		wantAt0    string // state right after the request
		wantFinal  string // state once transitions end ("" = not checked)
		newVersion bool
	}{
		{name: "create launches", wantCode: 200, method: "GET", path: "", wantAt0: "created", wantFinal: "started"},
		{name: "create skip_launch stays created", create: map[string]any{"skip_launch": true}, method: "GET", wantCode: 200, wantAt0: "created", wantFinal: "created"},
		{name: "start skip_launch machine", create: map[string]any{"skip_launch": true}, method: "POST", path: "/start", wantCode: 200, wantAt0: "starting", wantFinal: "started"},
		{name: "start while launching refused", method: "POST", path: "/start", wantCode: 412, wantErr: "failed_precondition: unable to start machine from current state: 'created'", wantAt0: "created", wantFinal: "started"},
		{name: "start started refused", setup: []setupStep{{settle: true}}, method: "POST", path: "/start", wantCode: 412, wantErr: "current state: 'started'", wantAt0: "started"},
		{name: "stop started", setup: []setupStep{{settle: true}}, method: "POST", path: "/stop", body: map[string]any{"signal": "SIGINT", "timeout": "10s"}, wantCode: 200, wantAt0: "stopping", wantFinal: "stopped"},
		{name: "stop numeric signal", setup: []setupStep{{settle: true}}, method: "POST", path: "/stop", body: map[string]any{"signal": 15}, wantCode: 200, wantAt0: "stopping", wantFinal: "stopped"},
		{name: "stop bad signal", setup: []setupStep{{settle: true}}, method: "POST", path: "/stop", body: map[string]any{"signal": "SIGNOPE"}, wantCode: 400, wantAt0: "started"},
		{name: "stop stopped is a no-op", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "/stop", wantCode: 200, wantAt0: "stopped"},
		{name: "start stopped", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "/start", wantCode: 200, wantAt0: "starting", wantFinal: "started"},
		{name: "suspend started", setup: []setupStep{{settle: true}}, method: "POST", path: "/suspend", wantCode: 200, wantAt0: "suspending", wantFinal: "suspended"},
		{name: "suspend stopped refused", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "/suspend", wantCode: 412, wantErr: "unable to suspend machine from current state: 'stopped'", wantAt0: "stopped"},
		{name: "start suspended resumes", setup: []setupStep{{settle: true}, suspend}, method: "POST", path: "/start", wantCode: 200, wantAt0: "starting", wantFinal: "started"},
		{name: "stop suspended", setup: []setupStep{{settle: true}, suspend}, method: "POST", path: "/stop", wantCode: 200, wantAt0: "stopping", wantFinal: "stopped"},
		{name: "restart started", setup: []setupStep{{settle: true}}, method: "POST", path: "/restart?signal=SIGTERM&timeout=5s&force_stop=true", wantCode: 200, wantAt0: "restarting", wantFinal: "started"},
		{name: "restart stopped refused", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "/restart", wantCode: 412, wantErr: "unable to restart machine", wantAt0: "stopped"},
		{name: "update started", setup: []setupStep{{settle: true}}, method: "POST", path: "", body: map[string]any{"config": map[string]any{"image": "nginx:1.28"}}, wantCode: 200, wantAt0: "replacing", wantFinal: "started", newVersion: true},
		{name: "update skip_launch stops", setup: []setupStep{{settle: true}}, method: "POST", path: "", body: map[string]any{"config": map[string]any{"image": "nginx:1.28"}, "skip_launch": true}, wantCode: 200, wantAt0: "replacing", wantFinal: "stopped", newVersion: true},
		{name: "update stopped starts it", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "", body: map[string]any{"config": map[string]any{"image": "nginx:1.28"}}, wantCode: 200, wantAt0: "replacing", wantFinal: "started", newVersion: true},
		{name: "update while stopping refused", setup: []setupStep{{settle: true}, {"POST", "/stop", nil, false}}, method: "POST", path: "", body: map[string]any{"config": map[string]any{"image": "nginx:1.28"}}, wantCode: 412, wantErr: "unable to update machine from current state: 'stopping'", wantAt0: "stopping", wantFinal: "stopped"},
		{name: "update wrong current_version", setup: []setupStep{{settle: true}}, method: "POST", path: "", body: map[string]any{"config": map[string]any{"image": "nginx:1.28"}, "current_version": "01AAAAAAAAAAAAAAAAAAAAAAAA"}, wantCode: 409, wantErr: "current_version", wantAt0: "started"},
		{name: "start while replacing refused", setup: []setupStep{{settle: true}, {"POST", "", map[string]any{"config": map[string]any{"image": "x:1"}}, false}}, method: "POST", path: "/start", wantCode: 412, wantErr: "failed_precondition: machine getting replaced, refusing to start", wantAt0: "replacing", wantFinal: "started"},
		{name: "destroy started refused", setup: []setupStep{{settle: true}}, method: "DELETE", path: "", wantCode: 412, wantErr: "failed_precondition: unable to destroy machine", wantAt0: "started"},
		{name: "destroy stopped", setup: []setupStep{{settle: true}, stop}, method: "DELETE", path: "", wantCode: 200, wantAt0: "destroying", wantFinal: "destroyed"},
		{name: "destroy force", setup: []setupStep{{settle: true}}, method: "DELETE", path: "?force=true", wantCode: 200, wantAt0: "destroying", wantFinal: "destroyed"},
		{name: "destroy kill (fly-go)", setup: []setupStep{{settle: true}}, method: "DELETE", path: "?kill=true", wantCode: 200, wantAt0: "destroying", wantFinal: "destroyed"},
		{name: "destroyed machine is gone for mutations", setup: []setupStep{{settle: true}, {"DELETE", "?force=true", nil, true}}, method: "POST", path: "/start", wantCode: 404, wantErr: "machine not found", wantAt0: "destroyed"},
		{name: "signal 9 kills", setup: []setupStep{{settle: true}}, method: "POST", path: "/signal", body: map[string]any{"signal": 9}, wantCode: 200, wantAt0: "stopped"},
		{name: "signal SIGUSR1 keeps running", setup: []setupStep{{settle: true}}, method: "POST", path: "/signal", body: map[string]any{"signal": "SIGUSR1"}, wantCode: 200, wantAt0: "started"},
		{name: "signal stopped refused", setup: []setupStep{{settle: true}, stop}, method: "POST", path: "/signal", body: map[string]any{"signal": "SIGHUP"}, wantCode: 412, wantAt0: "stopped"},
		{name: "failing image ends failed", create: map[string]any{"config": map[string]any{"image": "registry.example.com/sim-fail:1"}}, method: "GET", path: "", wantCode: 200, wantAt0: "created", wantFinal: "failed"},
		{name: "start failed machine fails again", create: map[string]any{"config": map[string]any{"image": "sim-fail"}}, setup: []setupStep{{settle: true}}, method: "POST", path: "/start", wantCode: 200, wantAt0: "starting", wantFinal: "failed"},
		{name: "destroy failed machine", create: map[string]any{"config": map[string]any{"image": "sim-fail"}}, setup: []setupStep{{settle: true}}, method: "DELETE", path: "", wantCode: 200, wantAt0: "destroying", wantFinal: "destroyed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.app("web")
			id := h.machine("web", tc.create)
			base := "/v1/apps/web/machines/" + id
			for _, st := range tc.setup {
				if st.method != "" {
					h.ok(st.method, base+st.path, st.body)
				}
				if st.settle {
					h.settle()
				}
			}
			before := h.ok("GET", base, nil).JSON()["version"]
			res := h.do(tc.method, base+tc.path, tc.body)
			require.Equal(t, tc.wantCode, res.Code, "body: %s", res.Body)
			if tc.wantErr != "" {
				assert.Contains(t, res.Err(), tc.wantErr)
			}
			assert.Equal(t, tc.wantAt0, h.state("web", id))
			after := h.ok("GET", base, nil).JSON()["version"]
			assert.Equal(t, tc.newVersion, before != after, "version change")
			if tc.wantFinal != "" {
				h.settle()
				assert.Equal(t, tc.wantFinal, h.state("web", id))
			}
		})
	}
}

func TestLifecycleTimingsAndEvents(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.machine("web", nil)
	base := "/v1/apps/web/machines/" + id
	d := DefaultTimings()
	assert.Equal(t, "created", h.state("web", id))
	h.clk.Advance(d.Launch)
	assert.Equal(t, "starting", h.state("web", id))
	h.clk.Advance(d.Start - time.Millisecond)
	assert.Equal(t, "starting", h.state("web", id))
	h.clk.Advance(time.Millisecond)
	assert.Equal(t, "started", h.state("web", id))

	evs := h.ok("GET", base+"/events", nil).List()
	require.Len(t, evs, 3)
	assert.Equal(t, []any{"started", "starting", "created"}, []any{evs[0]["status"], evs[1]["status"], evs[2]["status"]}, "newest first")
	assert.Equal(t, "launch", evs[2]["type"])
	assert.Equal(t, "user", evs[2]["source"])
	assert.Equal(t, "flyd", evs[0]["source"])
	assert.Len(t, h.ok("GET", base+"/events?limit=1", nil).List(), 1)

	h.ok("POST", base+"/stop", nil)
	h.settle()
	evs = h.ok("GET", base+"/events", nil).List()
	assert.Equal(t, "exit", evs[0]["type"])
	assert.Equal(t, "stopped", evs[0]["status"])
	require.Contains(t, evs[0]["request"], "exit_event")

	// Machine.events is embedded, newest first.
	m := h.ok("GET", base, nil).JSON()
	assert.Equal(t, evs[0]["id"], m["events"].([]any)[0].(map[string]any)["id"])
}

func TestUpdateVersions(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	v1 := h.ok("GET", base, nil).JSON()["version"].(string)
	require.Len(t, v1, 26)
	m := h.ok("POST", base, map[string]any{"config": map[string]any{"image": "nginx:1.28"}, "current_version": v1}).JSON()
	v2 := m["version"].(string)
	assert.NotEqual(t, v1, v2)
	assert.Equal(t, v2, m["instance_id"])
	vs := h.ok("GET", base+"/versions", nil).List()
	require.Len(t, vs, 2)
	assert.Equal(t, v2, vs[0]["version"])
	assert.Equal(t, "nginx:1.28", vs[0]["user_config"].(map[string]any)["image"])
	old := h.ok("GET", base+"?version="+v1, nil).JSON()
	assert.Equal(t, "replaced", old["state"])
	assert.Equal(t, "nginx:1.27", old["config"].(map[string]any)["image"])
	assert.Equal(t, 404, h.do("GET", base+"?version=01BBBBBBBBBBBBBBBBBBBBBBBB", nil).Code)
	// A stale current_version changes nothing.
	h.settle()
	res := h.do("POST", base, map[string]any{"config": map[string]any{"image": "nginx:2"}, "current_version": v1})
	assert.Equal(t, 409, res.Code)
	assert.Len(t, h.ok("GET", base+"/versions", nil).List(), 2)
}

func TestCordon(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	h.ok("POST", base+"/cordon", nil)
	assert.Equal(t, true, h.ok("GET", base, nil).JSON()["cordoned"])
	assert.Equal(t, "started", h.state("web", id))
	h.ok("POST", base+"/uncordon", nil)
	assert.Equal(t, false, h.ok("GET", base, nil).JSON()["cordoned"])
	id2 := h.machine("web", map[string]any{"skip_service_registration": true})
	assert.Equal(t, true, h.ok("GET", "/v1/apps/web/machines/"+id2, nil).JSON()["cordoned"])
}
