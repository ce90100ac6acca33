package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAppsVolumesAndIPsRequests(t *testing.T) {
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

func TestSecretsAndCertificatesRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"secrets list", `{"secrets":[{"name":"A"}]}`, func(c *Client) error {
			s, err := c.Secrets.List(t.Context(), "web", &SecretOptions{MinVersion: "3", ShowSecrets: true})
			if err == nil {
				assert.Equal(t, "A", s[0].Name)
			}
			return err
		}, check{"GET", "/v1/apps/web/secrets", url.Values{"min_version": {"3"}, "show_secrets": {"true"}}, "", ""}},
		{"secrets update", `{}`, func(c *Client) error {
			_, err := c.Secrets.Update(t.Context(), "web", &AppSecretsUpdateRequest{Values: map[string]string{"A": "1"}})
			return err
		}, check{"POST", "/v1/apps/web/secrets", nil, `{"values":{"A":"1"}}`, ""}},
		{"secret set", `{}`, func(c *Client) error {
			_, err := c.Secrets.Set(t.Context(), "web", "A", &SetAppSecretRequest{Value: "1"})
			return err
		}, check{"POST", "/v1/apps/web/secrets/A", nil, `{"value":"1"}`, ""}},
		{"secret destroy", `{}`, func(c *Client) error {
			_, err := c.Secrets.Destroy(t.Context(), "web", "A")
			return err
		}, check{"DELETE", "/v1/apps/web/secrets/A", nil, "", ""}},
		{"secretkeys list", `{"secret_keys":[]}`, func(c *Client) error {
			_, err := c.SecretKeys.List(t.Context(), "web", &SecretKeyListOptions{Types: "aead"})
			return err
		}, check{"GET", "/v1/apps/web/secretkeys", url.Values{"types": {"aead"}}, "", ""}},
		{"secretkey encrypt", `{}`, func(c *Client) error {
			_, err := c.SecretKeys.Encrypt(t.Context(), "web", "k", &EncryptSecretkeyRequest{Plaintext: []int{104, 105}}, &SecretKeyOptions{MinVersion: "2"})
			return err
		}, check{"POST", "/v1/apps/web/secretkeys/k/encrypt", url.Values{"min_version": {"2"}}, `{"plaintext":[104,105]}`, ""}},
		{"secretkey verify", ``, func(c *Client) error {
			return c.SecretKeys.Verify(t.Context(), "web", "k", &VerifySecretkeyRequest{}, nil)
		}, check{"POST", "/v1/apps/web/secretkeys/k/verify", nil, `{}`, ""}},
		{"certificates list", `{"certificates":[{"hostname":"a.example.com"}]}`, func(c *Client) error {
			_, err := c.Certificates.List(t.Context(), "web", &CertificateListOptions{Filter: "example"})
			return err
		}, check{"GET", "/v1/apps/web/certificates", url.Values{"filter": {"example"}}, "", ""}},
		{"certificate acme", `{"hostname":"a.example.com"}`, func(c *Client) error {
			_, err := c.Certificates.RequestACME(t.Context(), "web", &CreateAcmeCertificateRequest{Hostname: "a.example.com"})
			return err
		}, check{"POST", "/v1/apps/web/certificates/acme", nil, `{"hostname":"a.example.com"}`, ""}},
		{"certificate check", `{}`, func(c *Client) error {
			_, err := c.Certificates.Check(t.Context(), "web", "a.example.com")
			return err
		}, check{"POST", "/v1/apps/web/certificates/a.example.com/check", nil, "", ""}},
	})
}

func TestPlatformTokensAndPostgresRequests(t *testing.T) {
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
		{"current token", `{}`, func(c *Client) error {
			_, err := c.Tokens.Current(t.Context())
			return err
		}, check{"GET", "/v1/tokens/current", nil, "", ""}},
		{"oidc", `eyJhbGciOi.payload.sig`, func(c *Client) error {
			tok, err := c.Tokens.RequestOIDC(t.Context(), &CreateOIDCTokenRequest{Aud: "sts.amazonaws.com"})
			if err == nil {
				assert.Equal(t, "eyJhbGciOi.payload.sig", tok)
			}
			return err
		}, check{"POST", "/v1/tokens/oidc", nil, `{"aud":"sts.amazonaws.com"}`, ""}},
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
