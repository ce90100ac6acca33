package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVolumesRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"volumes list", `[{"id":"vol_1"}]`, func(c *Client) error {
			_, err := c.Volumes.List(t.Context(), "web", &VolumeListOptions{Summary: true})
			return err
		}, check{"GET", "/v1/apps/web/volumes", url.Values{"summary": {"true"}}, "", ""}},
		{"volumes create", `{"id":"vol_1"}`, func(c *Client) error {
			_, err := c.Volumes.Create(t.Context(), "web", &CreateVolumeRequest{Name: "data", Region: "ord", SizeGB: 3, AutoBackupEnabled: Ptr(false)})
			return err
		}, check{"POST", "/v1/apps/web/volumes", nil, `{"name":"data","region":"ord","size_gb":3,"auto_backup_enabled":false}`, ""}},
		{"volumes update", `{"id":"vol_1"}`, func(c *Client) error {
			_, err := c.Volumes.Update(t.Context(), "web", "vol_1", &UpdateVolumeRequest{SnapshotRetention: Ptr(10)})
			return err
		}, check{"PUT", "/v1/apps/web/volumes/vol_1", nil, `{"snapshot_retention":10}`, ""}},
		{"volumes destroy", `{"id":"vol_1","state":"destroyed"}`, func(c *Client) error {
			v, err := c.Volumes.Destroy(t.Context(), "web", "vol_1")
			if err == nil {
				assert.Equal(t, "destroyed", v.State)
			}
			return err
		}, check{"DELETE", "/v1/apps/web/volumes/vol_1", nil, "", ""}},
		{"volumes extend", `{"needs_restart":true,"volume":{"size_gb":10}}`, func(c *Client) error {
			r, err := c.Volumes.Extend(t.Context(), "web", "vol_1", 10)
			if err == nil {
				assert.True(t, *r.NeedsRestart)
				assert.Equal(t, 10, r.Volume.SizeGB)
			}
			return err
		}, check{"PUT", "/v1/apps/web/volumes/vol_1/extend", nil, `{"size_gb":10}`, ""}},
		{"snapshots", `[{"id":"s1"}]`, func(c *Client) error {
			_, err := c.Volumes.ListSnapshots(t.Context(), "web", "vol_1")
			return err
		}, check{"GET", "/v1/apps/web/volumes/vol_1/snapshots", nil, "", ""}},
		{"snapshot", ``, func(c *Client) error { return c.Volumes.CreateSnapshot(t.Context(), "web", "vol_1") },
			check{"POST", "/v1/apps/web/volumes/vol_1/snapshots", nil, "", ""}},
	})
}
