package client

// OrgsService handles organization-wide lists (/v1/orgs).
type OrgsService struct{ client *Client }
