package soak

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

// Watched is a simulator behind a real loopback listener that tells a test
// which requests reached it, so that the test can interrupt a script at a
// known point (a wait in progress, a lease held) without sleeping.
type Watched struct {
	// URL is the base URL.
	URL string
	// Sim is the simulator.
	Sim  *sim.Server
	srv  *httptest.Server
	seen chan string
}

// StartWatched serves a simulator with instant transitions and opts.
func StartWatched(opts ...sim.Option) *Watched {
	w := &Watched{
		Sim:  sim.New(append([]sim.Option{sim.WithTimings(sim.InstantTimings())}, opts...)...),
		seen: make(chan string, 4096),
	}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		select {
		case w.seen <- r.Method + " " + r.URL.Path:
		default:
		}
		w.Sim.ServeHTTP(rw, r)
	}))
	w.URL = w.srv.URL
	return w
}

// Close stops the listener and the simulator.
func (w *Watched) Close() {
	w.srv.Close()
	w.Sim.Close()
}

// WaitFor waits until n requests whose "METHOD /path" ends with suffix have
// arrived since the last WaitFor.
func (w *Watched) WaitFor(suffix string, n int, timeout time.Duration) error {
	deadline := time.After(timeout)
	for n > 0 {
		select {
		case s := <-w.seen:
			if strings.HasSuffix(s, suffix) {
				n--
			}
		case <-deadline:
			return fmt.Errorf("no request %q reached the simulator within %s", suffix, timeout)
		}
	}
	return nil
}

// WaitPath is the suffix of the wait request on machine id.
func WaitPath(id string) string { return "/machines/" + id + "/wait" }

// Machines creates app (in the organisation personal) and n started
// machines named m0, m1, ...; it returns their ids.
func Machines(ctx context.Context, c *client.Client, app string, n int) ([]string, error) {
	_, err := c.Do(ctx, &client.Request{Method: http.MethodPost, Pattern: "/v1/apps",
		Body: fmt.Appendf(nil, `{"app_name":%q,"org_slug":"personal"}`, app)})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, n)
	for i := range n {
		resp, err := c.Do(ctx, &client.Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/machines",
			Params: map[string]string{"app_name": app},
			Body:   fmt.Appendf(nil, `{"name":"m%d","region":"ord","config":{"image":"nginx:1.27"}}`, i)})
		if err != nil {
			return nil, err
		}
		var m struct{ ID string }
		if err := json.Unmarshal(resp.Body, &m); err != nil {
			return nil, err
		}
		ids = append(ids, m.ID)
	}
	return ids, nil
}

// LeasesHeld returns the ids among ids whose machine has a live lease.
func LeasesHeld(ctx context.Context, c *client.Client, app string, ids []string) ([]string, error) {
	var held []string
	for _, id := range ids {
		_, err := c.Do(ctx, &client.Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/machines/{machine_id}/lease",
			Params: map[string]string{"app_name": app, "machine_id": id}})
		switch {
		case err == nil:
			held = append(held, id)
		case !errors.Is(err, client.ErrNotFound):
			return nil, err
		}
	}
	return held, nil
}
