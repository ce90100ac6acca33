package client

import (
	"context"
	"net/http"
)

// CertificatesService handles an app's TLS certificates
// (/v1/apps/{app_name}/certificates).
type CertificatesService struct{ client *Client }

// CertificateListOptions filters Certificates.List.
type CertificateListOptions struct {
	// Filter matches hostnames.
	Filter string
	ListOptions
}

// List returns an app's certificates, every page merged into one response
// unless opts.Limit asks for one page.
//
// API: GET /v1/apps/{app_name}/certificates
func (s *CertificatesService) List(ctx context.Context, app string, opts *CertificateListOptions) (*ListCertificatesResponse, error) {
	q := query{}
	var lo *ListOptions
	if opts != nil {
		q.str("filter", opts.Filter)
		lo = &opts.ListOptions
	}
	return listEnvelope(ctx, s.client, &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/certificates", Params: params("app_name", app), Query: q.values()}, lo,
		func(r *ListCertificatesResponse) string { return r.NextCursor },
		func(into, page *ListCertificatesResponse) {
			into.Certificates = append(into.Certificates, page.Certificates...)
			into.NextCursor = page.NextCursor
		})
}

// RequestACME requests a certificate from Let's Encrypt for a hostname.
//
// API: POST /v1/apps/{app_name}/certificates/acme
func (s *CertificatesService) RequestACME(ctx context.Context, app string, req *CreateAcmeCertificateRequest) (*CertificateDetail, error) {
	out := new(CertificateDetail)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/certificates/acme", Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// UploadCustom uploads a custom certificate.
//
// API: POST /v1/apps/{app_name}/certificates/custom
func (s *CertificatesService) UploadCustom(ctx context.Context, app string, req *CreateCustomCertificateRequest) (*CertificateDetail, error) {
	out := new(CertificateDetail)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/certificates/custom", Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// Get returns the details of a hostname's certificate.
//
// API: GET /v1/apps/{app_name}/certificates/{hostname}
func (s *CertificatesService) Get(ctx context.Context, app, hostname string) (*CertificateDetail, error) {
	out := new(CertificateDetail)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/certificates/{hostname}", Params: params("app_name", app, "hostname", hostname)}, nil, out)
	return result(out, err)
}

// Destroy removes a hostname's certificates.
//
// API: DELETE /v1/apps/{app_name}/certificates/{hostname}
func (s *CertificatesService) Destroy(ctx context.Context, app, hostname string) error {
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: "/v1/apps/{app_name}/certificates/{hostname}", Params: params("app_name", app, "hostname", hostname)}, nil, nil)
	return err
}

// DestroyACME removes a hostname's ACME certificates.
//
// API: DELETE /v1/apps/{app_name}/certificates/{hostname}/acme
func (s *CertificatesService) DestroyACME(ctx context.Context, app, hostname string) (*CertificateDetail, error) {
	out := new(CertificateDetail)
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: "/v1/apps/{app_name}/certificates/{hostname}/acme", Params: params("app_name", app, "hostname", hostname)}, nil, out)
	return result(out, err)
}

// Check checks a hostname's DNS and validates its certificate again.
//
// API: POST /v1/apps/{app_name}/certificates/{hostname}/check
func (s *CertificatesService) Check(ctx context.Context, app, hostname string) (*CertificateCheckResponse, error) {
	out := new(CertificateCheckResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/certificates/{hostname}/check", Params: params("app_name", app, "hostname", hostname)}, nil, out)
	return result(out, err)
}

// DestroyCustom removes a hostname's custom certificate.
//
// API: DELETE /v1/apps/{app_name}/certificates/{hostname}/custom
func (s *CertificatesService) DestroyCustom(ctx context.Context, app, hostname string) (*DestroyCustomCertificateResponse, error) {
	out := new(DestroyCustomCertificateResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: "/v1/apps/{app_name}/certificates/{hostname}/custom", Params: params("app_name", app, "hostname", hostname)}, nil, out)
	return result(out, err)
}
