package client

// MachinesService handles machines (/v1/apps/{app_name}/machines).
type MachinesService struct{ client *Client }
