package client

import (
	"context"
	"net/http"
)

// SecretKeysService handles app secret keys (/v1/apps/{app_name}/secretkeys).
type SecretKeysService struct{ client *Client }

const (
	secretKeysPattern = "/v1/apps/{app_name}/secretkeys"
	secretKeyPattern  = secretKeysPattern + "/{secret_name}"
)

// SecretKeyOptions carry the min_version of the secret key calls that take it.
type SecretKeyOptions struct {
	// MinVersion waits for at least this secrets version.
	MinVersion string
}

func (o *SecretKeyOptions) query() query {
	q := query{}
	if o != nil {
		q.str("min_version", o.MinVersion)
	}
	return q
}

// SecretKeyListOptions filters SecretKeys.List.
type SecretKeyListOptions struct {
	// MinVersion waits for at least this secrets version.
	MinVersion string
	// Types keeps the keys of these types (comma-separated).
	Types string
}

func (s *SecretKeysService) req(method, suffix, app, name string, q query) *Request {
	return &Request{Method: method, Pattern: secretKeyPattern + suffix, Params: params("app_name", app, "secret_name", name), Query: q.values()}
}

// List returns an app's secret keys.
//
// API: GET /v1/apps/{app_name}/secretkeys
func (s *SecretKeysService) List(ctx context.Context, app string, opts *SecretKeyListOptions) ([]SecretKey, error) {
	q := query{}
	if opts != nil {
		q.str("min_version", opts.MinVersion)
		q.str("types", opts.Types)
	}
	out := new(SecretKeys)
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: secretKeysPattern, Params: params("app_name", app), Query: q.values()}, nil, out); err != nil {
		return nil, err
	}
	return nonNil(out.SecretKeys), nil
}

// Get returns one secret key.
//
// API: GET /v1/apps/{app_name}/secretkeys/{secret_name}
func (s *SecretKeysService) Get(ctx context.Context, app, name string, opts *SecretKeyOptions) (*SecretKey, error) {
	out := new(SecretKey)
	_, err := s.client.call(ctx, s.req(http.MethodGet, "", app, name, opts.query()), nil, out)
	return result(out, err)
}

// Set creates or updates a secret key.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}
func (s *SecretKeysService) Set(ctx context.Context, app, name string, req *SetSecretkeyRequest) (*SetSecretkeyResponse, error) {
	out := new(SetSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "", app, name, nil), req, out)
	return result(out, err)
}

// Destroy deletes a secret key.
//
// API: DELETE /v1/apps/{app_name}/secretkeys/{secret_name}
func (s *SecretKeysService) Destroy(ctx context.Context, app, name string) (*DeleteSecretkeyResponse, error) {
	out := new(DeleteSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodDelete, "", app, name, nil), nil, out)
	return result(out, err)
}

// Decrypt decrypts with a secret key.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}/decrypt
func (s *SecretKeysService) Decrypt(ctx context.Context, app, name string, req *DecryptSecretkeyRequest, opts *SecretKeyOptions) (*DecryptSecretkeyResponse, error) {
	out := new(DecryptSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/decrypt", app, name, opts.query()), req, out)
	return result(out, err)
}

// Encrypt encrypts with a secret key.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}/encrypt
func (s *SecretKeysService) Encrypt(ctx context.Context, app, name string, req *EncryptSecretkeyRequest, opts *SecretKeyOptions) (*EncryptSecretkeyResponse, error) {
	out := new(EncryptSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/encrypt", app, name, opts.query()), req, out)
	return result(out, err)
}

// Generate creates a random secret key.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}/generate
func (s *SecretKeysService) Generate(ctx context.Context, app, name string, req *SetSecretkeyRequest) (*SetSecretkeyResponse, error) {
	out := new(SetSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/generate", app, name, nil), req, out)
	return result(out, err)
}

// Sign signs with a secret key.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}/sign
func (s *SecretKeysService) Sign(ctx context.Context, app, name string, req *SignSecretkeyRequest, opts *SecretKeyOptions) (*SignSecretkeyResponse, error) {
	out := new(SignSecretkeyResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/sign", app, name, opts.query()), req, out)
	return result(out, err)
}

// Verify checks a signature with a secret key; a bad signature is an error.
//
// API: POST /v1/apps/{app_name}/secretkeys/{secret_name}/verify
func (s *SecretKeysService) Verify(ctx context.Context, app, name string, req *VerifySecretkeyRequest, opts *SecretKeyOptions) error {
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/verify", app, name, opts.query()), req, nil)
	return err
}
