package client

import (
	"net/url"
	"testing"
)

func TestCertificatesRequests(t *testing.T) {
	t.Parallel()
	runRequestCases(t, []requestCase{
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
