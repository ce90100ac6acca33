package client

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSecretKeysRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
		{"secretkeys list", `{"secret_keys":[]}`, func(c *Client) error {
			_, err := c.SecretKeys.List(t.Context(), "web", &SecretKeyListOptions{Types: "aead"})
			return err
		}, check{"GET", "/v1/apps/web/secretkeys", url.Values{"types": {"aead"}}, "", ""}},
		{"secretkey encrypt", `{}`, func(c *Client) error {
			_, err := c.SecretKeys.Encrypt(t.Context(), "web", "k", &EncryptSecretkeyRequest{Plaintext: Bytes("hi")}, &SecretKeyOptions{MinVersion: "2"})
			return err
		}, check{"POST", "/v1/apps/web/secretkeys/k/encrypt", url.Values{"min_version": {"2"}}, `{"plaintext":[104,105]}`, ""}},
		{"secretkey verify", ``, func(c *Client) error {
			return c.SecretKeys.Verify(t.Context(), "web", "k", &VerifySecretkeyRequest{}, nil)
		}, check{"POST", "/v1/apps/web/secretkeys/k/verify", nil, `{}`, ""}},
	})
}

// Byte fields are read as the API (a Go server) writes them, base64, and as
// the document types them, arrays of integers; both give the same bytes.
func TestSecretKeysBytesAnswers(t *testing.T) {
	t.Parallel()
	for _, reply := range []string{`{"signature":"AQL/"}`, `{"signature":[1,2,255]}`} {
		s := newServer(t, jsonReply(200, reply))
		c, _ := newTestClient(t, s)
		out, err := c.SecretKeys.Sign(t.Context(), "web", "k", &SignSecretkeyRequest{Plaintext: Bytes("hi")}, nil)
		require.NoError(t, err, reply)
		assert.Equal(t, Bytes{1, 2, 255}, out.Signature, reply)
		assert.Equal(t, `{"plaintext":[104,105]}`, s.Last(t).Body)
	}
	for _, reply := range []string{`{"signature":"not base64!"}`, `{"signature":[256]}`, `{"signature":{}}`} {
		s := newServer(t, jsonReply(200, reply))
		c, _ := newTestClient(t, s)
		_, err := c.SecretKeys.Sign(t.Context(), "web", "k", &SignSecretkeyRequest{}, nil)
		require.Error(t, err, reply)
		assert.Contains(t, err.Error(), "byte field", reply)
	}
}
