package client

// SecretsService handles app secrets (/v1/apps/{app_name}/secrets).
type SecretsService struct{ client *Client }
