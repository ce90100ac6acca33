package client

import (
	"context"
	"net/http"
)

// SecretsService handles app secrets (/v1/apps/{app_name}/secrets).
type SecretsService struct{ client *Client }

const (
	secretsPattern = "/v1/apps/{app_name}/secrets"
	secretPattern  = secretsPattern + "/{secret_name}"
)

// SecretOptions are the options of Secrets.List and Secrets.Get.
type SecretOptions struct {
	// MinVersion waits for at least this secrets version.
	MinVersion string
	// ShowSecrets includes the values.
	ShowSecrets bool
}

func (o *SecretOptions) query() query {
	q := query{}
	if o != nil {
		q.str("min_version", o.MinVersion)
		q.boolean("show_secrets", o.ShowSecrets)
	}
	return q
}

// List returns an app's secrets.
//
// API: GET /v1/apps/{app_name}/secrets
func (s *SecretsService) List(ctx context.Context, app string, opts *SecretOptions) ([]AppSecret, error) {
	out := new(AppSecrets)
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: secretsPattern, Params: params("app_name", app), Query: opts.query().values()}, nil, out); err != nil {
		return nil, err
	}
	return nonNil(out.Secrets), nil
}

// Update sets and removes several secrets in one change.
//
// API: POST /v1/apps/{app_name}/secrets
func (s *SecretsService) Update(ctx context.Context, app string, req *AppSecretsUpdateRequest) (*AppSecretsUpdateResp, error) {
	out := new(AppSecretsUpdateResp)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: secretsPattern, Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// Get returns one secret.
//
// API: GET /v1/apps/{app_name}/secrets/{secret_name}
func (s *SecretsService) Get(ctx context.Context, app, name string, opts *SecretOptions) (*AppSecret, error) {
	out := new(AppSecret)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: secretPattern, Params: params("app_name", app, "secret_name", name), Query: opts.query().values()}, nil, out)
	return result(out, err)
}

// Set creates or updates one secret.
//
// API: POST /v1/apps/{app_name}/secrets/{secret_name}
func (s *SecretsService) Set(ctx context.Context, app, name string, req *SetAppSecretRequest) (*SetAppSecretResponse, error) {
	out := new(SetAppSecretResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: secretPattern, Params: params("app_name", app, "secret_name", name)}, req, out)
	return result(out, err)
}

// Destroy deletes one secret.
//
// API: DELETE /v1/apps/{app_name}/secrets/{secret_name}
func (s *SecretsService) Destroy(ctx context.Context, app, name string) (*DeleteAppSecretResponse, error) {
	out := new(DeleteAppSecretResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: secretPattern, Params: params("app_name", app, "secret_name", name)}, nil, out)
	return result(out, err)
}
