package client

// VolumesService handles volumes and their snapshots (/v1/apps/{app_name}/volumes).
type VolumesService struct{ client *Client }
