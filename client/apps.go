package client

import (
	"context"
	"net/http"
)

// AppsService handles apps (/v1/apps).
type AppsService struct{ client *Client }

// AppListOptions filters Apps.List.
type AppListOptions struct {
	// OrgSlug is the organization whose apps are listed ("personal" is
	// allowed); required by the API, "personal" when empty.
	OrgSlug string
	// AppRole filters by the app's role.
	AppRole string
	ListOptions
}

// List returns the apps of an organization, every page merged into one
// response unless opts.Limit asks for one page.
//
// API: GET /v1/apps
func (s *AppsService) List(ctx context.Context, opts *AppListOptions) (*ListAppsResponse, error) {
	q := query{}
	var lo *ListOptions
	org := "personal"
	if opts != nil {
		if opts.OrgSlug != "" {
			org = opts.OrgSlug
		}
		q.str("app_role", opts.AppRole)
		lo = &opts.ListOptions
	}
	q.str("org_slug", org)
	return listEnvelope(ctx, s.client, &Request{Method: http.MethodGet, Pattern: "/v1/apps", Query: q.values()}, lo,
		func(r *ListAppsResponse) string { return r.NextCursor },
		func(into, page *ListAppsResponse) {
			into.Apps = append(into.Apps, page.Apps...)
			into.NextCursor = page.NextCursor
		})
}

// Create creates an app. App names are global across Fly.io: a taken name
// fails with Code "name_taken".
//
// API: POST /v1/apps
func (s *AppsService) Create(ctx context.Context, req *CreateAppRequest) (*CreateAppResponse, error) {
	out := new(CreateAppResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps"}, req, out)
	return result(out, err)
}

// Get returns an app.
//
// API: GET /v1/apps/{app_name}
func (s *AppsService) Get(ctx context.Context, app string) (*App, error) {
	out := new(App)
	_, err := s.client.call(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}", Params: params("app_name", app)}, nil, out)
	return result(out, err)
}

// AppDestroyOptions are the options of Apps.Destroy.
type AppDestroyOptions struct {
	// Force stops the app's machines and deletes it.
	Force bool
}

// Destroy deletes an app. App deletions are limited to 100 per minute.
//
// API: DELETE /v1/apps/{app_name}
func (s *AppsService) Destroy(ctx context.Context, app string, opts *AppDestroyOptions) error {
	q := query{}
	if opts != nil {
		q.boolean("force", opts.Force)
	}
	_, err := s.client.call(ctx, &Request{Method: http.MethodDelete, Pattern: "/v1/apps/{app_name}", Params: params("app_name", app), Query: q.values()}, nil, nil)
	return err
}

// CreateDeployToken creates a deploy token for an app.
//
// API: POST /v1/apps/{app_name}/deploy_token
func (s *AppsService) CreateDeployToken(ctx context.Context, app string, req *CreateAppDeployTokenRequest) (*CreateAppDeployTokenResponse, error) {
	out := new(CreateAppDeployTokenResponse)
	_, err := s.client.call(ctx, &Request{Method: http.MethodPost, Pattern: "/v1/apps/{app_name}/deploy_token", Params: params("app_name", app)}, req, out)
	return result(out, err)
}

// result returns out, or nil and err.
func result[T any](out *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}
