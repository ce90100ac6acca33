package client

import (
	"context"
	"net/http"
	"strings"
)

// TokensService inspects and exchanges tokens (/v1/tokens).
type TokensService struct{ client *Client }

// Authenticate verifies a token header and returns the tokens it holds.
// It needs no token of its own.
//
// API: POST /v1/tokens/authenticate
func (s *TokensService) Authenticate(ctx context.Context, req *AuthenticateTokenRequest) ([]VerifiedToken, error) {
	var out []VerifiedToken
	if _, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/tokens/authenticate"}, req, &out); err != nil {
		return nil, err
	}
	return nonNil(out), nil
}

// Authorize checks a token's access to a resource. It needs no token of
// its own.
//
// API: POST /v1/tokens/authorize
func (s *TokensService) Authorize(ctx context.Context, req *AuthorizeTokenRequest) (*AuthorizeResponse, error) {
	out := new(AuthorizeResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/tokens/authorize"}, req, out)
	return result(out, err)
}

// Current returns information about the client's token.
//
// API: GET /v1/tokens/current
func (s *TokensService) Current(ctx context.Context) (*CurrentTokenResponse, error) {
	out := new(CurrentTokenResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/tokens/current"}, nil, out)
	return result(out, err)
}

// RequestKMS requests a token for KMS access; the answer is the token.
//
// API: POST /v1/tokens/kms
func (s *TokensService) RequestKMS(ctx context.Context) (string, error) {
	return s.text(ctx, "/v1/tokens/kms", nil)
}

// RequestOIDC requests an OIDC token; the answer is the JWT.
//
// API: POST /v1/tokens/oidc
func (s *TokensService) RequestOIDC(ctx context.Context, req *CreateOIDCTokenRequest) (string, error) {
	if req == nil {
		req = &CreateOIDCTokenRequest{}
	}
	return s.text(ctx, "/v1/tokens/oidc", req)
}

// text makes a POST whose answer is text/plain.
func (s *TokensService) text(ctx context.Context, pattern string, in any) (string, error) {
	r := &Request{Method: http.MethodPost, Pattern: pattern, Header: http.Header{"Accept": {"text/plain, application/json"}}}
	resp, err := s.client.call(ctx, r, in, nil)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(resp.Body)), nil
}
