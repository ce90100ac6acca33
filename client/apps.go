package client

// AppsService handles apps (/v1/apps).
type AppsService struct{ client *Client }
