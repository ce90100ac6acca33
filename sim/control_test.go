package sim

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// raw serves a request without validating the answer against the document
// (an injected 503 is not a documented answer of every operation).
func (h *harness) raw(method, target string, body any) *result {
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, h.req(method, target, body))
	return &result{t: h.t, Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

func TestControlFailByOperationAndMachine(t *testing.T) {
	h := newHarness(t, WithTimings(InstantTimings()))
	c := h.s.Control()
	c.Record(true)
	h.app("web")
	a, b := h.machine("web", nil), h.machine("web", nil)
	h.ok("POST", "/v1/apps/web/machines/"+a+"/stop", nil)
	h.ok("POST", "/v1/apps/web/machines/"+b+"/stop", nil)
	require.NoError(t, c.Fail(Failure{Op: "Machines_start", Status: 503, Times: 2, Machine: a}))

	// b is not the machine named: it starts.
	require.Equal(t, 200, h.raw("POST", "/v1/apps/web/machines/"+b+"/start", nil).Code)
	for i := 0; i < 2; i++ {
		r := h.raw("POST", "/v1/apps/web/machines/"+a+"/start", nil)
		require.Equal(t, 503, r.Code)
		require.Contains(t, r.Err(), "injected failure: 503")
		require.Equal(t, "1", r.Header.Get("Retry-After"))
		require.NotEmpty(t, r.Header.Get("fly-request-id"))
		require.Equal(t, "stopped", h.state("web", a), "a failed request changes nothing")
	}
	require.Equal(t, 200, h.raw("POST", "/v1/apps/web/machines/"+a+"/start", nil).Code, "the third start goes through")
	require.Empty(t, c.Failures())

	reqs, dropped := c.Requests()
	require.Zero(t, dropped)
	var starts []string
	for _, q := range reqs {
		if q.Op == "Machines_start" {
			starts = append(starts, q.Path[strings.LastIndex(q.Path[:len(q.Path)-len("/start")], "/")+1:len(q.Path)-len("/start")]+"="+http.StatusText(q.Status))
		}
	}
	require.Equal(t, []string{b + "=OK", a + "=Service Unavailable", a + "=Service Unavailable", a + "=OK"}, starts)
	require.Equal(t, "Apps_create", reqs[0].Op)
	require.Equal(t, "POST", reqs[0].Method)
	require.Equal(t, "/v1/apps", reqs[0].Path)
	require.Equal(t, 201, reqs[0].Status)
	require.JSONEq(t, `{"name":"web","org_slug":"personal"}`, string(reqs[0].Body))
	require.Equal(t, t0, reqs[0].Time)
}

func TestControlFailValidation(t *testing.T) {
	c := newHarness(t).s.Control()
	for _, tc := range []struct {
		f    Failure
		want string
	}{
		{Failure{Status: 503}, "op is required"},
		{Failure{Op: "Machines_strat", Status: 503}, `unknown operation "Machines_strat" (did you mean Machines_start?)`},
		{Failure{Op: "nothing_like_it_at_all", Status: 503}, "e.g. Machines_start"},
		{Failure{Op: "Machines_start", Status: 42}, "not an error status (400-599)"},
		{Failure{Op: "Machines_start", Status: 200}, "not an error status (400-599)"},
		{Failure{Op: "Machines_start", Status: 503, Reset: true}, "not both"},
		{Failure{Op: "Machines_start"}, "nothing to inject"},
		{Failure{Op: "Machines_start", Delay: -time.Second}, "nothing to inject"},
		{Failure{Op: "Machines_start", Status: 500, Times: -1}, "must not be negative"},
	} {
		err := c.Fail(tc.f)
		require.Error(t, err, "%+v", tc.f)
		require.Contains(t, err.Error(), tc.want)
	}
	require.Empty(t, c.Failures())
}

func TestControlFailResetDropsTheConnection(t *testing.T) {
	srv, err := Start(WithTimings(InstantTimings()))
	require.NoError(t, err)
	defer srv.Close()
	c := srv.Server.Control()
	c.Record(true)
	require.NoError(t, c.Fail(Failure{Op: "Apps_list", Reset: true}))
	get := func() (*http.Response, error) {
		req, _ := http.NewRequest("GET", srv.URL+"/v1/apps?org_slug=personal", nil)
		req.Header.Set("Authorization", "Bearer x")
		return http.DefaultClient.Do(req)
	}
	_, err = get()
	require.Error(t, err, "the connection is dropped")
	resp, err := get()
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	reqs, _ := c.Requests()
	require.Len(t, reqs, 2)
	require.Equal(t, 0, reqs[0].Status)
	require.Equal(t, 200, reqs[1].Status)
}

func TestControlAdvance(t *testing.T) {
	h := newHarness(t, WithTimings(InstantTimings()))
	c := h.s.Control()
	h.app("web")
	id := h.machine("web", nil)
	h.ok("POST", "/v1/apps/web/machines/"+id+"/lease?ttl=60", nil)
	require.NoError(t, c.Advance(48*time.Hour))
	require.Equal(t, t0.Add(48*time.Hour), c.Now())
	// The lease expired on the way.
	require.Equal(t, 404, h.do("GET", "/v1/apps/web/machines/"+id+"/lease", nil).Code)
	ev := h.ok("GET", "/v1/apps/web/machines/"+id+"/events", nil).List()
	require.Equal(t, float64(t0.UnixMilli()), ev[0]["timestamp"], "events before the jump keep their time")
	require.ErrorContains(t, c.Advance(-time.Second), "cannot move the clock back")

	real := New()
	defer real.Close()
	require.ErrorIs(t, real.Control().Advance(time.Second), ErrClockFixed)
}

func TestControlDriveClockAnswersWaitsInVirtualTime(t *testing.T) {
	h := newHarness(t) // default timings: launch 100 ms, start 300 ms
	c := h.s.Control()
	c.DriveClock(true)
	h.app("web")
	id := h.machine("web", nil)
	require.Equal(t, "created", h.state("web", id))

	// Nobody advances the clock: the wait moves it to each transition.
	r := h.do("GET", "/v1/apps/web/machines/"+id+"/wait?state=started&timeout=30", nil)
	require.Equal(t, 200, r.Code, "%s", r.Body)
	require.Equal(t, t0.Add(400*time.Millisecond), c.Now())

	// A state nothing will bring: the wait's own timeout passes.
	r = h.do("GET", "/v1/apps/web/machines/"+id+"/wait?state=stopped&timeout=5", nil)
	require.Equal(t, 408, r.Code, "%s", r.Body)
	require.Equal(t, t0.Add(5400*time.Millisecond), c.Now())

	// A delay moves the clock too.
	require.NoError(t, c.Fail(Failure{Op: "Machines_show", Delay: 2 * time.Second}))
	require.Equal(t, "started", h.state("web", id))
	require.Equal(t, t0.Add(7400*time.Millisecond), c.Now())

	// Without driving, a wait blocks on the clock.
	c.DriveClock(false)
	ch := h.async("GET", "/v1/apps/web/machines/"+id+"/wait?state=stopped&timeout=3")
	select {
	case <-ch:
		t.Fatal("an undriven wait answered without the clock moving")
	case <-time.After(50 * time.Millisecond):
	}
	h.clk.BlockUntil(1)
	h.clk.Advance(3 * time.Second)
	require.Equal(t, 408, (<-ch).Code)
}

func TestControlRequestLogIsBounded(t *testing.T) {
	s := New()
	defer s.Close()
	c := s.Control()
	c.Record(true)
	for i := 0; i < maxRecorded+5; i++ {
		s.ctl.add(Request{Path: "/" + string(rune('a'+i%26))})
	}
	reqs, dropped := c.Requests()
	require.Len(t, reqs, maxRecorded)
	require.Equal(t, 5, dropped)
	c.ClearRequests()
	reqs, dropped = c.Requests()
	require.Empty(t, reqs)
	require.Zero(t, dropped)
	c.Record(false)
	s.ctl.add(Request{Path: "/x"})
	reqs, _ = c.Requests()
	require.Empty(t, reqs, "nothing is logged when recording is off")
}

func TestAdminEndpoint(t *testing.T) {
	// Refused without WithAdmin, and the API is not disturbed.
	off := newHarness(t)
	r := off.raw("GET", "/_sim/requests", nil)
	require.Equal(t, 403, r.Code)
	require.Contains(t, r.Err(), "--admin")

	clk := NewShiftClock()
	s := New(WithAdmin(), WithClock(clk), WithTimings(InstantTimings()), WithToken("tok"))
	defer s.Close()
	do := func(method, path, body string, tok string) (int, map[string]any) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		var m map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	code, _ := do("GET", "/_sim/clock", "", "")
	require.Equal(t, 401, code, "the admin endpoint asks for the API's token")
	code, m := do("GET", "/_sim/clock", "", "tok")
	require.Equal(t, 200, code)
	require.Equal(t, true, m["movable"])
	before, err := time.Parse(time.RFC3339Nano, m["now"].(string))
	require.NoError(t, err)
	code, m = do("POST", "/_sim/clock", `{"advance":"48h"}`, "tok")
	require.Equal(t, 200, code, "%v", m)
	after, _ := time.Parse(time.RFC3339Nano, m["now"].(string))
	require.GreaterOrEqual(t, after.Sub(before), 48*time.Hour)

	code, m = do("POST", "/_sim/clock", `{"advance":"soon"}`, "tok")
	require.Equal(t, 400, code)
	require.Contains(t, m["error"], `advance "soon"`)
	code, m = do("POST", "/_sim/failures", `{"op":"Apps_list","status":502,"times":1,"bogus":1}`, "tok")
	require.Equal(t, 400, code)
	require.Contains(t, m["error"], "bogus")
	code, m = do("POST", "/_sim/failures", `{"op":"Apps_lst","status":502}`, "tok")
	require.Equal(t, 400, code)
	require.Contains(t, m["error"], "did you mean Apps_list")
	code, m = do("POST", "/_sim/failures", `{"op":"Apps_list","status":502,"delay":"1s"}`, "tok")
	require.Equal(t, 201, code, "%v", m)
	require.Equal(t, []any{map[string]any{"op": "Apps_list", "status": float64(502), "times": float64(1), "delay": "1s"}}, m["failures"])

	start := time.Now()
	code, _ = do("GET", "/v1/apps?org_slug=personal", "", "tok")
	require.Equal(t, 502, code)
	require.GreaterOrEqual(t, time.Since(start), time.Second, "the delay is real time on a ShiftClock")
	code, _ = do("POST", "/v1/apps", `{"name":"web","org_slug":"personal"}`, "tok")
	require.Equal(t, 201, code)

	code, m = do("GET", "/_sim/requests", "", "tok")
	require.Equal(t, 200, code)
	reqs := m["requests"].([]any)
	require.Len(t, reqs, 2)
	require.Equal(t, "Apps_list", reqs[0].(map[string]any)["op"])
	require.Equal(t, float64(502), reqs[0].(map[string]any)["status"])
	require.Equal(t, map[string]any{"name": "web", "org_slug": "personal"}, reqs[1].(map[string]any)["body"])
	code, _ = do("DELETE", "/_sim/requests", "", "tok")
	require.Equal(t, 204, code)
	_, m = do("GET", "/_sim/requests", "", "tok")
	require.Empty(t, m["requests"])
	code, m = do("GET", "/_sim/nothing", "", "tok")
	require.Equal(t, 404, code)
	require.Contains(t, m["error"], "clock, failures, requests")
}

func TestShiftClock(t *testing.T) {
	c := NewShiftClock()
	fired := make(chan string, 3)
	c.AfterFunc(time.Hour, func() { fired <- "hour" })
	stopped := c.AfterFunc(2*time.Hour, func() { fired <- "stopped" })
	c.AfterFunc(10*time.Hour, func() { fired <- "later" })
	require.True(t, stopped.Stop())
	require.False(t, stopped.Stop())
	before := c.Now()
	c.Advance(3 * time.Hour)
	require.GreaterOrEqual(t, c.Now().Sub(before), 3*time.Hour)
	select {
	case got := <-fired:
		require.Equal(t, "hour", got)
	case <-time.After(5 * time.Second):
		t.Fatal("the due timer did not fire")
	}
	select {
	case got := <-fired:
		t.Fatalf("%s fired", got)
	case <-time.After(20 * time.Millisecond):
	}
	// Real time still flows: a short timer fires by itself.
	short := make(chan struct{})
	c.AfterFunc(time.Millisecond, func() { close(short) })
	select {
	case <-short:
	case <-time.After(5 * time.Second):
		t.Fatal(errors.New("a real-time timer did not fire"))
	}
}
