package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretsRequests(t *testing.T) {
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
	})
}
