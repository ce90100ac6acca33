package client

// TokensService handles tokens (/v1/tokens).
type TokensService struct{ client *Client }
