package client

// PlatformService handles platform questions: regions and placements (/v1/platform).
type PlatformService struct{ client *Client }
