package client

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTokensRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
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
	})
}
