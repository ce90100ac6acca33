package client

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// headerPages serves three pages of machines linked by fly-next-cursor.
func headerPages(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("cursor") {
	case "":
		w.Header().Set(NextCursorHeader, "c2")
		jsonReply(200, `[{"id":"m1"},{"id":"m2"}]`)(w, r)
	case "c2":
		w.Header().Set(NextCursorHeader, "c3")
		jsonReply(200, `[{"id":"m3"}]`)(w, r)
	case "c3":
		jsonReply(200, `[{"id":"m4"}]`)(w, r)
	}
}

func ids(ms []Machine) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestListFollowsTheCursorHeaderToTheEnd(t *testing.T) {
	t.Parallel()
	s := newServer(t, headerPages)
	c, _ := newTestClient(t, s)
	ms, err := c.Machines.List(t.Context(), "web", &MachineListOptions{State: "started"})
	require.NoError(t, err)
	assert.Equal(t, []string{"m1", "m2", "m3", "m4"}, ids(ms))
	var cursors []string
	for _, r := range s.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		cursors = append(cursors, q.Get("cursor"))
		assert.Equal(t, "started", q.Get("state"), "filters are kept on every page")
		assert.Empty(t, q.Get("limit"))
	}
	assert.Equal(t, []string{"", "c2", "c3"}, cursors)
}

func TestListWithALimitReadsOnePage(t *testing.T) {
	t.Parallel()
	s := newServer(t, headerPages)
	c, _ := newTestClient(t, s)
	var next string
	ms, err := c.Machines.List(t.Context(), "web", &MachineListOptions{ListOptions: ListOptions{Limit: 2, Next: &next}})
	require.NoError(t, err)
	assert.Equal(t, []string{"m1", "m2"}, ids(ms))
	assert.Equal(t, "c2", next)
	assert.Equal(t, "limit=2", s.Last(t).RawQuery)

	ms, err = c.Machines.List(t.Context(), "web", &MachineListOptions{ListOptions: ListOptions{Limit: 2, Cursor: next, Next: &next}})
	require.NoError(t, err)
	assert.Equal(t, []string{"m3"}, ids(ms))
	assert.Equal(t, "c3", next)
	assert.Equal(t, "cursor=c2&limit=2", s.Last(t).RawQuery)
}

func TestListFollowsNextCursorInTheBody(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("cursor") {
		case "":
			jsonReply(200, `{"apps":[{"name":"a"}],"total_apps":3,"next_cursor":"p2"}`)(w, r)
		case "p2":
			jsonReply(200, `{"apps":[{"name":"b"},{"name":"c"}],"total_apps":3}`)(w, r)
		}
	})
	c, _ := newTestClient(t, s)
	res, err := c.Apps.List(t.Context(), &AppListOptions{OrgSlug: "acme"})
	require.NoError(t, err)
	var names []string
	for _, a := range res.Apps {
		names = append(names, a.Name)
	}
	assert.Equal(t, []string{"a", "b", "c"}, names)
	assert.Equal(t, 3, res.TotalApps)
	assert.Empty(t, res.NextCursor)
	reqs := s.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "org_slug=acme", reqs[0].RawQuery)
	assert.Equal(t, "cursor=p2&org_slug=acme", reqs[1].RawQuery)
}

func TestAppsListDefaultsToThePersonalOrg(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `{"apps":[]}`))
	c, _ := newTestClient(t, s)
	_, err := c.Apps.List(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, "org_slug=personal", s.Last(t).RawQuery)
}

func TestPaginationThatNeverEndsIsAnError(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(NextCursorHeader, "same")
		jsonReply(200, `[{"id":"m"}]`)(w, r)
	})
	c, _ := newTestClient(t, s, WithoutRateLimits())
	_, err := c.Volumes.List(t.Context(), "web", nil)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, CodeInvalidResponse, e.Code)
	assert.Contains(t, e.Message, "pagination does not end")
	assert.Len(t, s.Requests(), 2)
}

func TestEmptyListsAreEmptyNotNil(t *testing.T) {
	t.Parallel()
	s := newServer(t, jsonReply(200, `[]`))
	c, _ := newTestClient(t, s)
	ms, err := c.Machines.List(t.Context(), "web", nil)
	require.NoError(t, err)
	assert.NotNil(t, ms)
	assert.Empty(t, ms)
}
