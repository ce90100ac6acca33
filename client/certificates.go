package client

// CertificatesService handles TLS certificates (/v1/apps/{app_name}/certificates).
type CertificatesService struct{ client *Client }
