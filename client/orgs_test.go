package client

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOrgListsMergePages(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			jsonReply(200, `{"machines":[{"id":"a"}],"next_cursor":"n","last_machine_id":"a"}`)(w, r)
			return
		}
		jsonReply(200, `{"machines":[{"id":"b"}],"last_machine_id":"b","last_updated_at":"t"}`)(w, r)
	})
	c, _ := newTestClient(t, s)
	res, err := c.Orgs.ListMachines(t.Context(), "acme", &OrgListOptions{Region: "ord", UpdatedAfter: "2026-01-01T00:00:00Z"})
	require.NoError(t, err)
	require.Len(t, res.Machines, 2)
	assert.Equal(t, "b", res.LastMachineID)
	assert.Equal(t, "/v1/orgs/acme/machines", s.Last(t).Path)
	assert.Contains(t, s.Requests()[0].RawQuery, "updated_after=2026-01-01T00%3A00%3A00Z")
}

func TestOrgsRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"org volumes", `{"volumes":[{"id":"vol_1"}]}`, func(c *Client) error {
			r, err := c.Orgs.ListVolumes(t.Context(), "acme", &OrgListOptions{IncludeDeleted: true, State: "created", Summary: true})
			if err == nil {
				assert.Equal(t, "vol_1", r.Volumes[0].ID)
			}
			return err
		}, check{"GET", "/v1/orgs/acme/volumes", url.Values{"include_deleted": {"true"}, "state": {"created"}, "summary": {"true"}}, "", ""}},
	})
}
