package client

import (
	"net/url"
	"testing"
)

func TestSecretKeysRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
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
	})
}
