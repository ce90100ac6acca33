package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppsRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"apps create", `{"id":"a1","created_at":1767225600}`, func(c *Client) error {
			r, err := c.Apps.Create(t.Context(), &CreateAppRequest{Name: "web", OrgSlug: "personal"})
			if err == nil {
				assert.Equal(t, "a1", r.ID)
			}
			return err
		}, check{"POST", "/v1/apps", nil, `{"name":"web","org_slug":"personal"}`, ""}},
		{"apps get", `{"name":"web","organization":{"slug":"personal"}}`, func(c *Client) error {
			a, err := c.Apps.Get(t.Context(), "web")
			if err == nil {
				assert.Equal(t, "personal", a.Organization.Slug)
			}
			return err
		}, check{"GET", "/v1/apps/web", nil, "", ""}},
		{"apps destroy", ``, func(c *Client) error {
			return c.Apps.Destroy(t.Context(), "web", &AppDestroyOptions{Force: true})
		}, check{"DELETE", "/v1/apps/web", url.Values{"force": {"true"}}, "", ""}},
		{"deploy token", `{"token":"tok"}`, func(c *Client) error {
			_, err := c.Apps.CreateDeployToken(t.Context(), "web", &CreateAppDeployTokenRequest{Expiry: "24h"})
			return err
		}, check{"POST", "/v1/apps/web/deploy_token", nil, `{"expiry":"24h"}`, ""}},
	})
}
