package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPostgresRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"postgres list", `{"data":[{"id":"pg1"}]}`, func(c *Client) error {
			l, err := c.Postgres.List(t.Context(), &PostgresListOptions{OrgSlug: "acme"})
			if err == nil {
				assert.Equal(t, "pg1", l[0].ID)
			}
			return err
		}, check{"GET", "/v1/postgres", url.Values{"org_slug": {"acme"}}, "", ""}},
		{"postgres disable extension", ``, func(c *Client) error {
			return c.Postgres.DisableExtension(t.Context(), "pg1", "db", "postgis", &DisableExtensionOptions{Force: true})
		}, check{"DELETE", "/v1/postgres/pg1/databases/db/extensions/postgis", url.Values{"force": {"true"}}, "", ""}},
		{"postgres active queries", `{}`, func(c *Client) error {
			_, err := c.Postgres.ActiveQueries(t.Context(), "pg1", "db")
			return err
		}, check{"GET", "/v1/postgres/pg1/queries/active", url.Values{"database": {"db"}}, "", ""}},
		{"postgres slow queries", `{}`, func(c *Client) error {
			_, err := c.Postgres.SlowQueries(t.Context(), "pg1", &SlowQueriesOptions{Range: 3600})
			return err
		}, check{"GET", "/v1/postgres/pg1/queries/slow", url.Values{"range": {"3600"}}, "", ""}},
		{"postgres update user role", ``, func(c *Client) error {
			return c.Postgres.UpdateUserRole(t.Context(), "pg1", "alice", &UpdatePostgresUserRoleRequest{Role: "reader"})
		}, check{"PATCH", "/v1/postgres/pg1/users/alice", nil, `{"role":"reader"}`, ""}},
	})
}
