package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIPsRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"ips list", `{"ips":[{"ip":"1.2.3.4"}]}`, func(c *Client) error {
			ips, err := c.IPs.List(t.Context(), "web")
			if err == nil {
				assert.Equal(t, "1.2.3.4", ips[0].IP)
			}
			return err
		}, check{"GET", "/v1/apps/web/ip_assignments", nil, "", ""}},
		{"ips assign", `{}`, func(c *Client) error {
			_, err := c.IPs.Assign(t.Context(), "web", &AssignIPRequest{Type: "v6", Region: "ord"})
			return err
		}, check{"POST", "/v1/apps/web/ip_assignments", nil, `{"type":"v6","region":"ord"}`, ""}},
		{"ips release", ``, func(c *Client) error { return c.IPs.Release(t.Context(), "web", "2a09::1") },
			check{"DELETE", "/v1/apps/web/ip_assignments/2a09::1", nil, "", ""}},
	})
}
