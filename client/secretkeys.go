package client

// SecretKeysService handles app secret keys (/v1/apps/{app_name}/secretkeys).
type SecretKeysService struct{ client *Client }
