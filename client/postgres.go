package client

import (
	"context"
	"net/http"
)

// PostgresService handles Managed Postgres clusters (/v1/postgres). While
// the service is unavailable the API answers 503 with Retry-After, which
// idempotent calls honour.
type PostgresService struct{ client *Client }

const (
	clusterPattern  = "/v1/postgres/{postgres_cluster_id}"
	databasePattern = clusterPattern + "/databases/{database_name}"
	pgUserPattern   = clusterPattern + "/users/{username}"
)

func (s *PostgresService) req(method, pattern string, kv ...string) *Request {
	return &Request{Method: method, Pattern: pattern, Params: params(kv...)}
}

// PostgresListOptions filters Postgres.List.
type PostgresListOptions struct {
	// OrgSlug is the organization ("personal" when empty).
	OrgSlug string
	// IncludeDeleted lists deleted clusters too.
	IncludeDeleted bool
}

// List returns an organization's clusters.
//
// API: GET /v1/postgres
func (s *PostgresService) List(ctx context.Context, opts *PostgresListOptions) ([]PostgresClusterSummary, error) {
	q := query{}
	org := "personal"
	if opts != nil {
		if opts.OrgSlug != "" {
			org = opts.OrgSlug
		}
		q.boolean("include_deleted", opts.IncludeDeleted)
	}
	q.str("org_slug", org)
	out := new(ListPostgresClustersResponse)
	if _, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/postgres", Query: q.values()}, nil, out); err != nil {
		return nil, err
	}
	return nonNil(out.Data), nil
}

// Create creates a cluster.
//
// API: POST /v1/postgres
func (s *PostgresService) Create(ctx context.Context, req *CreatePostgresClusterRequest) (*ShowPostgresClusterResponse, error) {
	out := new(ShowPostgresClusterResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, "/v1/postgres"), req, out)
	return result(out, err)
}

// Get returns a cluster.
//
// API: GET /v1/postgres/{postgres_cluster_id}
func (s *PostgresService) Get(ctx context.Context, cluster string) (*ShowPostgresClusterResponse, error) {
	out := new(ShowPostgresClusterResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, clusterPattern, "postgres_cluster_id", cluster), nil, out)
	return result(out, err)
}

// Destroy deletes a cluster.
//
// API: DELETE /v1/postgres/{postgres_cluster_id}
func (s *PostgresService) Destroy(ctx context.Context, cluster string) error {
	_, err := s.client.call(ctx, s.req(http.MethodDelete, clusterPattern, "postgres_cluster_id", cluster), nil, nil)
	return err
}

// Attach attaches a cluster to an app.
//
// API: POST /v1/postgres/{postgres_cluster_id}/attachments
func (s *PostgresService) Attach(ctx context.Context, cluster string, req *CreatePostgresAttachmentRequest) (*CreatePostgresAttachmentResponse, error) {
	out := new(CreatePostgresAttachmentResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/attachments", "postgres_cluster_id", cluster), req, out)
	return result(out, err)
}

// Detach detaches a cluster from an app.
//
// API: DELETE /v1/postgres/{postgres_cluster_id}/attachments/{app_name}
func (s *PostgresService) Detach(ctx context.Context, cluster, app string) error {
	_, err := s.client.call(ctx, s.req(http.MethodDelete, clusterPattern+"/attachments/{app_name}", "postgres_cluster_id", cluster, "app_name", app), nil, nil)
	return err
}

// ListBackups returns a cluster's backups.
//
// API: GET /v1/postgres/{postgres_cluster_id}/backups
func (s *PostgresService) ListBackups(ctx context.Context, cluster string) (*ListPostgresBackupsResponse, error) {
	out := new(ListPostgresBackupsResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, clusterPattern+"/backups", "postgres_cluster_id", cluster), nil, out)
	return result(out, err)
}

// CreateBackup starts a backup of a cluster.
//
// API: POST /v1/postgres/{postgres_cluster_id}/backups
func (s *PostgresService) CreateBackup(ctx context.Context, cluster string, req *CreatePostgresBackupRequest) error {
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/backups", "postgres_cluster_id", cluster), req, nil)
	return err
}

// ListDatabases returns a cluster's databases.
//
// API: GET /v1/postgres/{postgres_cluster_id}/databases
func (s *PostgresService) ListDatabases(ctx context.Context, cluster string) (*ListPostgresDatabasesResponse, error) {
	out := new(ListPostgresDatabasesResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, clusterPattern+"/databases", "postgres_cluster_id", cluster), nil, out)
	return result(out, err)
}

// CreateDatabase creates a database.
//
// API: POST /v1/postgres/{postgres_cluster_id}/databases
func (s *PostgresService) CreateDatabase(ctx context.Context, cluster string, req *CreatePostgresDatabaseRequest) (*PostgresDatabaseResponse, error) {
	out := new(PostgresDatabaseResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/databases", "postgres_cluster_id", cluster), req, out)
	return result(out, err)
}

// DestroyDatabase drops a database.
//
// API: DELETE /v1/postgres/{postgres_cluster_id}/databases/{database_name}
func (s *PostgresService) DestroyDatabase(ctx context.Context, cluster, database string) (*PostgresDatabaseResponse, error) {
	out := new(PostgresDatabaseResponse)
	_, err := s.client.call(ctx, s.req(http.MethodDelete, databasePattern, "postgres_cluster_id", cluster, "database_name", database), nil, out)
	return result(out, err)
}

// ListExtensions returns a database's extensions.
//
// API: GET /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions
func (s *PostgresService) ListExtensions(ctx context.Context, cluster, database string) (*ListPostgresExtensionsResponse, error) {
	out := new(ListPostgresExtensionsResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, databasePattern+"/extensions", "postgres_cluster_id", cluster, "database_name", database), nil, out)
	return result(out, err)
}

// EnableExtension enables an extension in a database.
//
// API: POST /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions
func (s *PostgresService) EnableExtension(ctx context.Context, cluster, database string, req *EnablePostgresExtensionRequest) error {
	_, err := s.client.call(ctx, s.req(http.MethodPost, databasePattern+"/extensions", "postgres_cluster_id", cluster, "database_name", database), req, nil)
	return err
}

// DisableExtensionOptions are the options of Postgres.DisableExtension.
type DisableExtensionOptions struct {
	// Force drops the objects that depend on the extension.
	Force bool
}

// DisableExtension disables an extension in a database.
//
// API: DELETE /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions/{extension_name}
func (s *PostgresService) DisableExtension(ctx context.Context, cluster, database, extension string, opts *DisableExtensionOptions) error {
	r := s.req(http.MethodDelete, databasePattern+"/extensions/{extension_name}", "postgres_cluster_id", cluster, "database_name", database, "extension_name", extension)
	q := query{}
	if opts != nil {
		q.boolean("force", opts.Force)
	}
	r.Query = q.values()
	_, err := s.client.call(ctx, r, nil, nil)
	return err
}

// Fork creates a new cluster from a cluster.
//
// API: POST /v1/postgres/{postgres_cluster_id}/fork
func (s *PostgresService) Fork(ctx context.Context, cluster string, req *ForkPostgresClusterRequest) (*ShowPostgresClusterResponse, error) {
	out := new(ShowPostgresClusterResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/fork", "postgres_cluster_id", cluster), req, out)
	return result(out, err)
}

// ActiveQueries returns the queries running in a database.
//
// API: GET /v1/postgres/{postgres_cluster_id}/queries/active
func (s *PostgresService) ActiveQueries(ctx context.Context, cluster, database string) (*ListPostgresActiveQueriesResponse, error) {
	r := s.req(http.MethodGet, clusterPattern+"/queries/active", "postgres_cluster_id", cluster)
	q := query{}
	q.str("database", database)
	r.Query = q.values()
	out := new(ListPostgresActiveQueriesResponse)
	_, err := s.client.call(ctx, r, nil, out)
	return result(out, err)
}

// SlowQueriesOptions are the options of Postgres.SlowQueries.
type SlowQueriesOptions struct {
	// Range is the window in seconds (1 to 604800).
	Range int
}

// SlowQueries returns a cluster's slowest queries.
//
// API: GET /v1/postgres/{postgres_cluster_id}/queries/slow
func (s *PostgresService) SlowQueries(ctx context.Context, cluster string, opts *SlowQueriesOptions) (*ListPostgresSlowQueriesResponse, error) {
	r := s.req(http.MethodGet, clusterPattern+"/queries/slow", "postgres_cluster_id", cluster)
	q := query{}
	if opts != nil {
		q.integer("range", opts.Range)
	}
	r.Query = q.values()
	out := new(ListPostgresSlowQueriesResponse)
	_, err := s.client.call(ctx, r, nil, out)
	return result(out, err)
}

// Restore restores a backup or a point in time into a new cluster.
//
// API: POST /v1/postgres/{postgres_cluster_id}/restore
func (s *PostgresService) Restore(ctx context.Context, cluster string, req *RestorePostgresClusterRequest) (*ShowPostgresClusterResponse, error) {
	out := new(ShowPostgresClusterResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/restore", "postgres_cluster_id", cluster), req, out)
	return result(out, err)
}

// ListUsers returns a cluster's users.
//
// API: GET /v1/postgres/{postgres_cluster_id}/users
func (s *PostgresService) ListUsers(ctx context.Context, cluster string) (*ListPostgresUsersResponse, error) {
	out := new(ListPostgresUsersResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, clusterPattern+"/users", "postgres_cluster_id", cluster), nil, out)
	return result(out, err)
}

// CreateUser creates a user.
//
// API: POST /v1/postgres/{postgres_cluster_id}/users
func (s *PostgresService) CreateUser(ctx context.Context, cluster string, req *CreatePostgresUserRequest) (*CreatePostgresUserResponse, error) {
	out := new(CreatePostgresUserResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, clusterPattern+"/users", "postgres_cluster_id", cluster), req, out)
	return result(out, err)
}

// UpdateUserRole changes a user's role.
//
// API: PATCH /v1/postgres/{postgres_cluster_id}/users/{username}
func (s *PostgresService) UpdateUserRole(ctx context.Context, cluster, username string, req *UpdatePostgresUserRoleRequest) error {
	_, err := s.client.call(ctx, s.req(http.MethodPatch, pgUserPattern, "postgres_cluster_id", cluster, "username", username), req, nil)
	return err
}

// DestroyUser deletes a user.
//
// API: DELETE /v1/postgres/{postgres_cluster_id}/users/{username}
func (s *PostgresService) DestroyUser(ctx context.Context, cluster, username string) error {
	_, err := s.client.call(ctx, s.req(http.MethodDelete, pgUserPattern, "postgres_cluster_id", cluster, "username", username), nil, nil)
	return err
}

// UserCredentials returns a user's credentials.
//
// API: GET /v1/postgres/{postgres_cluster_id}/users/{username}/credentials
func (s *PostgresService) UserCredentials(ctx context.Context, cluster, username string) (*GetPostgresUserCredentialsResponse, error) {
	out := new(GetPostgresUserCredentialsResponse)
	_, err := s.client.call(ctx, s.req(http.MethodGet, pgUserPattern+"/credentials", "postgres_cluster_id", cluster, "username", username), nil, out)
	return result(out, err)
}

// RotatePassword sets a new password for a user.
//
// API: POST /v1/postgres/{postgres_cluster_id}/users/{username}/rotate_password
func (s *PostgresService) RotatePassword(ctx context.Context, cluster, username string, req *RotatePostgresPasswordRequest) (*RotatePostgresPasswordResponse, error) {
	out := new(RotatePostgresPasswordResponse)
	_, err := s.client.call(ctx, s.req(http.MethodPost, pgUserPattern+"/rotate_password", "postgres_cluster_id", cluster, "username", username), req, out)
	return result(out, err)
}
