package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// await collects a long poll's answer, validating it.
func (h *harness) await(ch <-chan *result, method, target string) *result {
	h.t.Helper()
	select {
	case r := <-ch:
		checkResponse(h.t, h.req(method, target, nil), r.Code, r.Header, r.Body)
		return r
	case <-time.After(10 * time.Second):
		h.t.Fatalf("%s %s: no answer", method, target)
		return nil
	}
}

// wait starts a wait and returns once it is parked on the clock.
func (h *harness) wait(target string) <-chan *result {
	n := h.clk.Pending()
	ch := h.async("GET", target)
	h.clk.BlockUntil(n + 1)
	return ch
}

func TestWait(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.machine("web", nil)
	base := "/v1/apps/web/machines/" + id

	// A long poll that ends when the machine gets there.
	target := base + "/wait?state=started"
	ch := h.wait(target)
	select {
	case r := <-ch:
		t.Fatalf("wait answered early: %d %s", r.Code, r.Body)
	default:
	}
	h.settle()
	res := h.await(ch, "GET", target)
	require.Equal(t, 200, res.Code, "%s", res.Body)
	body := res.JSON()
	assert.Equal(t, true, body["ok"])
	assert.Equal(t, "started", body["state"])
	assert.Len(t, body["event_id"], 26)
	assert.Len(t, body["version"], 26)

	// Already there: at once.
	assert.Equal(t, "started", h.ok("GET", base+"/wait", nil).JSON()["state"])

	// Several states, repeated or comma-separated.
	assert.Equal(t, "started", h.ok("GET", base+"/wait?state=stopped&state=started", nil).JSON()["state"])
	assert.Equal(t, "started", h.ok("GET", base+"/wait?state=stopped,started", nil).JSON()["state"])
	assert.Equal(t, 400, h.do("GET", base+"/wait?state=starting", nil).Code)
	assert.Equal(t, 400, h.do("GET", base+"/wait?timeout=soon", nil).Code)
}

func TestWaitTimeout(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id
	h.ok("POST", base+"/stop", nil)

	target := base + "/wait?state=suspended&timeout=5"
	ch := h.wait(target)
	h.clk.Advance(5 * time.Second)
	res := h.await(ch, "GET", target)
	assert.Equal(t, 408, res.Code)
	assert.Equal(t, "deadline_exceeded: machine failed to reach desired state, suspended, currently stopped", res.Err())

	// The timeout is capped at 60 s.
	target = base + "/wait?state=started&timeout=600"
	ch = h.wait(target)
	h.clk.Advance(59 * time.Second)
	select {
	case r := <-ch:
		t.Fatalf("answered before 60 s: %d", r.Code)
	default:
	}
	h.clk.Advance(time.Second)
	assert.Equal(t, 408, h.await(ch, "GET", target).Code)
}

func TestWaitSettledDestroyedAndEvents(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	base := "/v1/apps/web/machines/" + id

	// settled: out of transient states.
	h.ok("POST", base+"/restart", nil)
	target := base + "/wait?state=settled"
	ch := h.wait(target)
	h.settle()
	assert.Equal(t, "started", h.await(ch, "GET", target).JSON()["state"])

	// from_event_id: a state reached before the event does not count.
	last := h.ok("GET", base+"/events?limit=1", nil).List()[0]["id"].(string)
	target = base + "/wait?state=started&from_event_id=" + last
	ch = h.wait(target)
	h.ok("POST", base+"/restart", nil)
	h.settle()
	res := h.await(ch, "GET", target)
	require.Equal(t, 200, res.Code)
	assert.NotEqual(t, last, res.JSON()["event_id"])
	assert.Equal(t, 400, h.do("GET", base+"/wait?from_event_id=01CCCCCCCCCCCCCCCCCCCCCCCC", nil).Code)

	// An old version counts as stopped at once.
	v1 := h.ok("GET", base, nil).JSON()["version"].(string)
	h.ok("POST", base, map[string]any{"config": map[string]any{"image": "b:2"}})
	r := h.ok("GET", base+"/wait?state=stopped&instance_id="+v1, nil).JSON()
	assert.Equal(t, "stopped", r["state"])
	assert.Equal(t, 400, h.do("GET", base+"/wait?version=01DDDDDDDDDDDDDDDDDDDDDDDD", nil).Code)
	h.settle()

	// destroyed.
	target = base + "/wait?state=destroyed"
	ch = h.wait(target)
	h.ok("DELETE", base+"?force=true", nil)
	h.settle()
	assert.Equal(t, "destroyed", h.await(ch, "GET", target).JSON()["state"])
}

func TestWaitEndsWithClientAndServer(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	id := h.started("web")
	target := "/v1/apps/web/machines/" + id + "/wait?state=stopped"
	ch := h.wait(target)
	h.s.Close()
	res := h.await(ch, "GET", target)
	assert.Equal(t, 503, res.Code)
}
