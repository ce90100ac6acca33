package client

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMachinesRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"list", `[]`, func(c *Client) error {
			_, err := c.Machines.List(t.Context(), "web", &MachineListOptions{IncludeDeleted: true, Region: "ord", State: "started", Metadata: map[string]string{"role": "db"}})
			return err
		}, check{"GET", "/v1/apps/web/machines", url.Values{"include_deleted": {"true"}, "region": {"ord"}, "state": {"started"}, "metadata.role": {"db"}}, "", ""}},
		{"create", `{"id":"m1"}`, func(c *Client) error {
			_, err := c.Machines.Create(t.Context(), "web", &CreateMachineRequest{Name: "w1", Region: "ord", SkipLaunch: Ptr(true),
				Config: &MachineConfig{Image: "nginx:1.27", Guest: &MachineGuest{CPUs: 1, MemoryMB: 256}}})
			return err
		}, check{"POST", "/v1/apps/web/machines", nil, `{"name":"w1","region":"ord","skip_launch":true,"config":{"image":"nginx:1.27","guest":{"cpus":1,"memory_mb":256}}}`, ""}},
		{"get", `{"id":"m1"}`, func(c *Client) error {
			_, err := c.Machines.Get(t.Context(), "web", "m1", &MachineGetOptions{Version: "01V", IncludeLeases: true})
			return err
		}, check{"GET", "/v1/apps/web/machines/m1", url.Values{"version": {"01V"}, "include_leases": {"true"}}, "", ""}},
		{"update", `{"id":"m1"}`, func(c *Client) error {
			_, err := c.Machines.Update(t.Context(), "web", "m1", &UpdateMachineRequest{CurrentVersion: "01V", Config: &MachineConfig{Image: "nginx:2"}}, &UpdateOptions{Nonce: "n1"})
			return err
		}, check{"POST", "/v1/apps/web/machines/m1", nil, `{"current_version":"01V","config":{"image":"nginx:2"}}`, "n1"}},
		{"destroy", `{"ok":true}`, func(c *Client) error {
			return c.Machines.Destroy(t.Context(), "web", "m1", &DestroyOptions{Force: true, Nonce: "n1"})
		}, check{"DELETE", "/v1/apps/web/machines/m1", url.Values{"force": {"true"}}, "", "n1"}},
		{"stop", ``, func(c *Client) error {
			return c.Machines.Stop(t.Context(), "web", "m1", &StopOptions{Signal: "sigterm", Timeout: "10s", Nonce: "n1"})
		}, check{"POST", "/v1/apps/web/machines/m1/stop", nil, `{"signal":"SIGTERM","timeout":"10s"}`, "n1"}},
		{"stop without options", ``, func(c *Client) error {
			return c.Machines.Stop(t.Context(), "web", "m1", nil)
		}, check{"POST", "/v1/apps/web/machines/m1/stop", nil, `{}`, ""}},
		{"restart", ``, func(c *Client) error {
			return c.Machines.Restart(t.Context(), "web", "m1", &RestartOptions{Timeout: "30s", Signal: "SIGINT", Nonce: "n1"})
		}, check{"POST", "/v1/apps/web/machines/m1/restart", url.Values{"timeout": {"30s"}, "signal": {"SIGINT"}}, "", "n1"}},
		{"signal", ``, func(c *Client) error {
			return c.Machines.Signal(t.Context(), "web", "m1", "SIGUSR1")
		}, check{"POST", "/v1/apps/web/machines/m1/signal", nil, `{"signal":"SIGUSR1"}`, ""}},
		{"start", `{"previous_state":"stopped"}`, func(c *Client) error {
			r, err := c.Machines.Start(t.Context(), "web", "m1", &NonceOptions{Nonce: "n1"})
			if err == nil {
				assert.Equal(t, "stopped", r.PreviousState)
			}
			return err
		}, check{"POST", "/v1/apps/web/machines/m1/start", nil, "", "n1"}},
		{"suspend", ``, func(c *Client) error { return c.Machines.Suspend(t.Context(), "web", "m1", nil) },
			check{"POST", "/v1/apps/web/machines/m1/suspend", nil, "", ""}},
		{"cordon", ``, func(c *Client) error { return c.Machines.Cordon(t.Context(), "web", "m1", &NonceOptions{Nonce: "n2"}) },
			check{"POST", "/v1/apps/web/machines/m1/cordon", nil, "", "n2"}},
		{"uncordon", ``, func(c *Client) error { return c.Machines.Uncordon(t.Context(), "web", "m1", nil) },
			check{"POST", "/v1/apps/web/machines/m1/uncordon", nil, "", ""}},
		{"events", `[{"id":"e1","type":"start","timestamp":1700000000000}]`, func(c *Client) error {
			ev, err := c.Machines.ListEvents(t.Context(), "web", "m1", &EventsOptions{Limit: 5})
			if err == nil {
				assert.Equal(t, "e1", ev[0].ID)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/events", url.Values{"limit": {"5"}}, "", ""}},
		{"processes", `[{"pid":1,"command":"nginx"}]`, func(c *Client) error {
			ps, err := c.Machines.ListProcesses(t.Context(), "web", "m1", &ProcessesOptions{SortBy: "cpu", Order: "desc"})
			if err == nil {
				assert.Equal(t, "nginx", ps[0].Command)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/ps", url.Values{"sort_by": {"cpu"}, "order": {"desc"}}, "", ""}},
		{"versions", `[{"version":"01V"}]`, func(c *Client) error {
			vs, err := c.Machines.ListVersions(t.Context(), "web", "m1")
			if err == nil {
				assert.Equal(t, "01V", vs[0].Version)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/versions", nil, "", ""}},
		{"exec", `{"exit_code":0,"stdout":"hi\n"}`, func(c *Client) error {
			r, err := c.Machines.Exec(t.Context(), "web", "m1", &MachineExecRequest{Command: []string{"echo", "hi"}, Timeout: Ptr(5)})
			if err == nil {
				assert.Equal(t, "hi\n", r.Stdout)
				assert.Equal(t, Ptr(0), r.ExitCode)
			}
			return err
		}, check{"POST", "/v1/apps/web/machines/m1/exec", nil, `{"command":["echo","hi"],"timeout":5}`, ""}},
	})
}

func TestExecOctetStream(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write([]byte("raw output"))
	})
	c, _ := newTestClient(t, s)
	r, err := c.Machines.Exec(t.Context(), "web", "m1", &MachineExecRequest{Command: []string{"ls"}})
	require.NoError(t, err)
	assert.Equal(t, "raw output", r.Stdout)
}

func TestMachineErrorPaths(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/apps/web/machines/gone":
			jsonReply(404, `{"error":"machine not found"}`)(w, r)
		case "/v1/apps/web/machines/m1":
			jsonReply(409, `{"error":"current_version mismatch: machine version changed"}`)(w, r)
		case "/v1/apps/web/machines/m1/start":
			jsonReply(412, `{"error":"failed_precondition: machine getting replaced, refusing to start"}`)(w, r)
		case "/v1/apps/web/machines":
			jsonReply(422, `{"error":"insufficient resources to create new machine","status":"insufficient_capacity"}`)(w, r)
		}
	})
	c, _ := newTestClient(t, s)
	_, err := c.Machines.Get(t.Context(), "web", "gone", nil)
	require.ErrorIs(t, err, ErrNotFound)

	_, err = c.Machines.Update(t.Context(), "web", "m1", &UpdateMachineRequest{CurrentVersion: "old"}, nil)
	require.ErrorIs(t, err, ErrConflict)
	assert.Contains(t, err.(*Error).Hint(), "get it again")

	_, err = c.Machines.Start(t.Context(), "web", "m1", nil)
	require.ErrorIs(t, err, ErrPreconditionFailed)
	assert.Equal(t, "POST /v1/apps/web/machines/m1/start: 412 failed_precondition: machine getting replaced, refusing to start", err.Error())

	_, err = c.Machines.Create(t.Context(), "web", &CreateMachineRequest{Region: "ord"})
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "insufficient_capacity", e.Code)
	assert.Equal(t, "POST /v1/apps/web/machines: 422 insufficient_capacity: insufficient resources to create new machine", e.Error())
	assert.Equal(t, "try another region, or a smaller machine size", e.Hint())
	assert.Len(t, s.Requests(), 4, "none of these is retried")
}

func TestInvalidJSONAnswer(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"id": 5`))
	c, _ := newTestClient(t, s)
	_, err := c.Machines.Get(t.Context(), "web", "m1", nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidResponse, e.Code)
	assert.Equal(t, "/v1/apps/web/machines/m1", e.Path)
}
