package sim

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pages walks a header-paginated list and returns the ids in order.
func (h *harness) pagesByHeader(path string, limit int) ([]string, int) {
	var ids []string
	cursor, pages := "", 0
	for {
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		res := h.ok("GET", path+"?"+q.Encode(), nil)
		pages++
		page := res.List()
		require.LessOrEqual(h.t, len(page), limit)
		for _, x := range page {
			ids = append(ids, x["id"].(string))
		}
		cursor = res.Header.Get("fly-next-cursor")
		if cursor == "" {
			return ids, pages
		}
	}
}

func TestPagination(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	var machines, volumes []string
	for i := 0; i < 7; i++ {
		machines = append(machines, h.machine("web", nil))
		volumes = append(volumes, h.ok("POST", "/v1/apps/web/volumes", map[string]any{"name": fmt.Sprintf("v%d", i)}).JSON()["id"].(string))
	}

	// Without limit: everything, no cursor.
	all := h.ok("GET", "/v1/apps/web/machines", nil)
	assert.Len(t, all.List(), 7)
	assert.Empty(t, all.Header.Get("fly-next-cursor"))

	got, pages := h.pagesByHeader("/v1/apps/web/machines", 3)
	assert.Equal(t, machines, got)
	assert.Equal(t, 3, pages)
	got, _ = h.pagesByHeader("/v1/apps/web/volumes", 2)
	assert.Equal(t, volumes, got)
	assert.Equal(t, 400, h.do("GET", "/v1/apps/web/machines?limit=0", nil).Code)
	assert.Equal(t, 400, h.do("GET", "/v1/apps/web/machines?limit=1001", nil).Code)
	assert.Equal(t, 400, h.do("GET", "/v1/apps/web/machines?cursor=%25%25", nil).Code)

	// Apps: next_cursor in the body, total_apps the whole count.
	for i := 0; i < 4; i++ {
		h.app(fmt.Sprintf("app-%d", i))
	}
	var names []string
	cursor := ""
	for {
		q := url.Values{"org_slug": {"personal"}, "limit": {"2"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		body := h.ok("GET", "/v1/apps?"+q.Encode(), nil).JSON()
		assert.EqualValues(t, 5, body["total_apps"])
		for _, a := range body["apps"].([]any) {
			names = append(names, a.(map[string]any)["name"].(string))
		}
		c, _ := body["next_cursor"].(string)
		if c == "" {
			break
		}
		cursor = c
	}
	assert.Equal(t, []string{"app-0", "app-1", "app-2", "app-3", "web"}, names)

	// Org machines: next_cursor and last_machine_id in the body.
	var org []string
	cursor = ""
	for {
		q := url.Values{"limit": {"4"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		body := h.ok("GET", "/v1/orgs/personal/machines?"+q.Encode(), nil).JSON()
		ms := body["machines"].([]any)
		for _, m := range ms {
			org = append(org, m.(map[string]any)["id"].(string))
		}
		assert.Equal(t, org[len(org)-1], body["last_machine_id"])
		c, _ := body["next_cursor"].(string)
		if c == "" {
			break
		}
		cursor = c
	}
	assert.Equal(t, machines, org)

	// Certificates: default page 25, next_cursor, total_count.
	for i := 0; i < 3; i++ {
		h.ok("POST", "/v1/apps/web/certificates/acme", map[string]any{"hostname": fmt.Sprintf("h%d.example.com", i)})
	}
	body := h.ok("GET", "/v1/apps/web/certificates?limit=2", nil).JSON()
	assert.Len(t, body["certificates"], 2)
	assert.EqualValues(t, 3, body["total_count"])
	next := body["next_cursor"].(string)
	body = h.ok("GET", "/v1/apps/web/certificates?limit=2&cursor="+next, nil).JSON()
	assert.Len(t, body["certificates"], 1)
	assert.NotContains(t, body, "next_cursor")
}

func TestListFilters(t *testing.T) {
	h := newHarness(t)
	h.app("web")
	a := h.machine("web", map[string]any{"region": "ord", "config": map[string]any{"image": "a:1", "metadata": map[string]any{"role": "db"}}})
	b := h.machine("web", map[string]any{"skip_launch": true})
	h.settle()
	ids := func(path string) []string {
		var out []string
		for _, m := range h.ok("GET", path, nil).List() {
			out = append(out, m["id"].(string))
		}
		return out
	}
	assert.Equal(t, []string{a}, ids("/v1/apps/web/machines?region=ord"))
	assert.Equal(t, []string{b}, ids("/v1/apps/web/machines?state=created"))
	assert.Equal(t, []string{a, b}, ids("/v1/apps/web/machines?state=started,created"))
	assert.Equal(t, []string{a}, ids("/v1/apps/web/machines?metadata.role=db"))
	h.ok("DELETE", "/v1/apps/web/machines/"+b, nil)
	h.settle()
	assert.Equal(t, []string{a}, ids("/v1/apps/web/machines"))
	assert.Equal(t, []string{a, b}, ids("/v1/apps/web/machines?include_deleted=true"))
	sum := h.ok("GET", "/v1/apps/web/machines?summary=true", nil).List()[0]
	assert.NotContains(t, sum, "events")
}
