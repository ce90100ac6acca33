package client

// IPsService handles IP assignments (/v1/apps/{app_name}/ip_assignments).
type IPsService struct{ client *Client }
