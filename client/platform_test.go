package client

import (
	"testing"
)

func TestPlatformRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"regions", `{"regions":[{"code":"ord"}]}`, func(c *Client) error {
			_, err := c.Platform.Regions(t.Context())
			return err
		}, check{"GET", "/v1/platform/regions", nil, "", ""}},
		{"placements", `{}`, func(c *Client) error {
			_, err := c.Platform.Placements(t.Context(), &GetPlacementsRequest{Count: 2, Region: "ord", OrgSlug: "acme"})
			return err
		}, check{"POST", "/v1/platform/placements", nil, `{"count":2,"region":"ord","org_slug":"acme"}`, ""}},
	})
}
