package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMachineMetadataRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"metadata", `{"a":"1"}`, func(c *Client) error {
			md, err := c.Machines.GetMetadata(t.Context(), "web", "m1")
			if err == nil {
				assert.Equal(t, map[string]string{"a": "1"}, md)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/metadata", nil, "", ""}},
		{"update metadata", ``, func(c *Client) error {
			return c.Machines.UpdateMetadata(t.Context(), "web", "m1", &UpdateMetadataRequest{Metadata: map[string]string{"a": "1", "b": ""}, MachineVersion: "01V"})
		}, check{"PATCH", "/v1/apps/web/machines/m1/metadata", nil, `{"metadata":{"a":"1","b":""},"machine_version":"01V"}`, ""}},
		{"metadata key", `{"value":"db"}`, func(c *Client) error {
			v, err := c.Machines.GetMetadataKey(t.Context(), "web", "m1", "role")
			if err == nil {
				assert.Equal(t, "db", v)
			}
			return err
		}, check{"GET", "/v1/apps/web/machines/m1/metadata/role", nil, "", ""}},
		{"set metadata key", ``, func(c *Client) error {
			return c.Machines.SetMetadataKey(t.Context(), "web", "m1", "role", "db")
		}, check{"POST", "/v1/apps/web/machines/m1/metadata/role", nil, `{"value":"db"}`, ""}},
		{"delete metadata key", ``, func(c *Client) error {
			return c.Machines.DeleteMetadataKey(t.Context(), "web", "m1", "role")
		}, check{"DELETE", "/v1/apps/web/machines/m1/metadata/role", nil, "", ""}},
	})
}
