package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMachineMemoryRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"memory", `{"limit_mb":512,"available_mb":100}`, func(c *Client) error {
			m, err := c.Machines.GetMemory(t.Context(), "web", "m1")
			if err == nil {
				assert.Equal(t, 512, m.LimitMB)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/memory", nil, "", ""}},
		{"set memory limit", `{"limit_mb":256}`, func(c *Client) error {
			_, err := c.Machines.SetMemoryLimit(t.Context(), "web", "m1", 256)
			return err
		}, check{"PUT", "/v1/apps/web/machines/m1/memory", nil, `{"limit_mb":256}`, ""}},
		{"reclaim memory", `{"actual_mb":64}`, func(c *Client) error {
			r, err := c.Machines.ReclaimMemory(t.Context(), "web", "m1", 64)
			if err == nil {
				assert.Equal(t, 64, r.ActualMB)
			}
			return err
		}, check{"POST", "/v1/apps/web/machines/m1/memory/reclaim", nil, `{"amount_mb":64}`, ""}},
	})
}
