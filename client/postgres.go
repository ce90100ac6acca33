package client

// PostgresService handles Managed Postgres clusters (/v1/postgres).
type PostgresService struct{ client *Client }
