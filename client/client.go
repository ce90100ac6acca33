package client

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/flyscript/flyscript/internal/secret"
)

// Version is flyscript's version, sent in the User-Agent header as
// "flyscript/<Version>". The command sets it at start-up (from build
// information or -ldflags); it must not be changed while clients are in use.
var Version = "dev"

// DefaultBaseURL is the public Machines API endpoint. The private endpoint
// http://_api.internal:4280 (over WireGuard) works as well.
const DefaultBaseURL = "https://api.machines.dev"

// DefaultMaxResponseBytes bounds how much of a response body is read.
const DefaultMaxResponseBytes int64 = 32 << 20

// Client talks to the Fly.io Machines API. It is safe for concurrent use by
// several goroutines. Create one with New or FromEnv.
type Client struct {
	baseURL *url.URL
	// auth is the Authorization header, behind a pointer (as secrets is)
	// so that fmt never prints it: not through Format, which prints a
	// client, nor through the structs holding a client (the services).
	auth       *string
	secrets    *secret.Scrubber // the token, scrubbed from every error
	httpClient *http.Client
	userAgent  string
	retry      RetryPolicy
	timeouts   AttemptTimeouts
	limits     *limiter // nil: client-side rate limiting is off
	observer   func(CallInfo)
	onPace     func(PaceInfo)
	maxBody    int64
	clock      Clock
	rand       func() float64 // jitter source; nil: math/rand

	// Apps manages apps: /v1/apps.
	Apps *AppsService
	// Machines manages machines, their leases, metadata, memory and waits:
	// /v1/apps/{app_name}/machines.
	Machines *MachinesService
	// Volumes manages volumes and their snapshots: /v1/apps/{app_name}/volumes.
	Volumes *VolumesService
	// Secrets manages app secrets: /v1/apps/{app_name}/secrets.
	Secrets *SecretsService
	// SecretKeys manages app secret keys: /v1/apps/{app_name}/secretkeys.
	SecretKeys *SecretKeysService
	// Certificates manages TLS certificates: /v1/apps/{app_name}/certificates.
	Certificates *CertificatesService
	// IPs manages IP assignments: /v1/apps/{app_name}/ip_assignments.
	IPs *IPsService
	// Orgs lists machines and volumes across an organization: /v1/orgs.
	Orgs *OrgsService
	// Platform answers questions about regions and placements: /v1/platform.
	Platform *PlatformService
	// Tokens inspects and exchanges tokens: /v1/tokens.
	Tokens *TokensService
	// Postgres manages Managed Postgres clusters: /v1/postgres.
	Postgres *PostgresService
}

// Option configures a Client in New or FromEnv.
type Option func(*Client) error

// New returns a Client configured by opts. It never reads the environment
// (see FromEnv for that). Without WithBaseURL it talks to DefaultBaseURL;
// without WithToken it sends no Authorization header.
func New(opts ...Option) (*Client, error) {
	u, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		baseURL:  u,
		retry:    DefaultRetryPolicy(),
		timeouts: DefaultAttemptTimeouts(),
		limits:   newLimiter(DefaultRateLimits()),
		maxBody:  DefaultMaxResponseBytes,
		clock:    realClock{},
	}
	var firstErr error
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		// Scrubbed with every secret known, whatever the order of the options.
		return nil, scrubError(firstErr, c.secrets)
	}
	if c.httpClient == nil {
		// A transport of its own: connection pools are not shared with (nor
		// closed by) other users of http.DefaultTransport.
		c.httpClient = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	} else {
		hc := *c.httpClient // never modify the caller's client
		c.httpClient = &hc
	}
	// Redirects are never followed (see CodeRedirect), whatever the
	// caller's client does.
	c.httpClient.CheckRedirect = refuseRedirects
	if c.httpClient.Jar == nil {
		// The API pins a client to a backend with an affinity cookie.
		jar, err := cookiejar.New(nil)
		if err != nil {
			return nil, err
		}
		c.httpClient.Jar = jar
	}
	if c.userAgent == "" {
		c.userAgent = "flyscript/" + Version
	}
	c.retry = c.retry.withDefaults()
	c.Apps = &AppsService{c}
	c.Machines = &MachinesService{c}
	c.Volumes = &VolumesService{c}
	c.Secrets = &SecretsService{c}
	c.SecretKeys = &SecretKeysService{c}
	c.Certificates = &CertificatesService{c}
	c.IPs = &IPsService{c}
	c.Orgs = &OrgsService{c}
	c.Platform = &PlatformService{c}
	c.Tokens = &TokensService{c}
	c.Postgres = &PostgresService{c}
	return c, nil
}

// BaseURL returns the API endpoint the client talks to.
func (c *Client) BaseURL() string { return c.baseURL.String() }

// HasToken reports whether the client sends an Authorization header.
func (c *Client) HasToken() bool { return c.authHeader() != "" }

// authHeader is the Authorization header value, "" without a token.
func (c *Client) authHeader() string {
	if c.auth == nil {
		return ""
	}
	return *c.auth
}

// Scrub returns text with the client's token, and any long enough piece
// of it, replaced by a placeholder: for messages made outside the client
// (a recovered panic, say) from values that may hold a request's headers.
// The client's own errors, and what its observers get, are scrubbed already.
func (c *Client) Scrub(text string) string { return scrub(text, c.secrets) }

// CloseIdleConnections closes the connections the client keeps open for
// its next requests (each holds a socket and goroutines, by default until
// it has been idle for 90 seconds). A client serves many goroutines and VMs at once:
// share one rather than making one per run, and call this when done with
// it. Requests made afterwards open new connections.
func (c *Client) CloseIdleConnections() { c.httpClient.CloseIdleConnections() }

// Format prints the client, whatever the verb (%v, %+v, %#v, %s, %d...),
// as its endpoint and whether it has a token, never the token itself:
// "client.Client{base_url: https://api.machines.dev, token: set}". A log
// line or a panic that prints a client, or a struct holding one, does not
// give the token away.
func (c Client) Format(f fmt.State, _ rune) {
	base, token := "", "none"
	if c.baseURL != nil {
		base = c.baseURL.Redacted()
	}
	if c.authHeader() != "" {
		token = "set"
	}
	fmt.Fprintf(f, "client.Client{base_url: %s, token: %s}", base, token)
}

// WithToken sets the API token. Macaroon tokens ("FlyV1 ...", "fm1_...",
// "fm2_...") are sent with the FlyV1 scheme, any other token as Bearer.
func WithToken(token string) Option {
	return func(c *Client) error {
		token = strings.TrimSpace(token)
		header := AuthorizationHeader(token)
		c.auth = &header
		c.secrets = secret.New(secretsOf(token)...)
		return nil
	}
}

// WithBaseURL sets the API endpoint, e.g. "http://_api.internal:4280" or a
// simulator's URL. Operation paths (which start with /v1) are appended to it.
func WithBaseURL(base string) Option {
	return func(c *Client) error {
		u, err := url.Parse(strings.TrimRight(strings.TrimSpace(base), "/"))
		if err != nil {
			return fmt.Errorf("client: bad base URL: %w", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("client: bad base URL %q: scheme must be http or https", u.Redacted())
		}
		if u.Host == "" {
			return fmt.Errorf("client: bad base URL %q: no host", u.Redacted())
		}
		u.RawQuery, u.Fragment = "", ""
		c.baseURL = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client used for every request. The client
// is copied, never modified; a cookie jar is added to the copy when it has
// none, and the copy never follows redirects (see CodeRedirect). A panic
// of its transport fails the call with Code "internal" (not retried)
// instead of ending the program, and so does an error of its transport
// that has a method Permanent() bool returning true (an answer the
// transport cannot use, which asking again would not change); other
// transport errors are network errors, retried when that is safe.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return errors.New("client: nil *http.Client")
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent replaces the default User-Agent "flyscript/<Version>".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		c.userAgent = ua
		return nil
	}
}

// WithObserver registers fn, called once per HTTP attempt (for tracing).
// fn is called from the goroutine making the request and must be safe for
// concurrent use when the client is. It should not panic: a panic leaves
// Do unrecovered, ending the program when the request runs on a goroutine
// of the caller's. (A flyscript VM recovers it: the script's call fails
// with code internal, the panic's text without the token.)
func WithObserver(fn func(CallInfo)) Option {
	return func(c *Client) error {
		c.observer = fn
		return nil
	}
}

// PaceInfo is one pause of the client-side rate limiter: a request that
// waits for a token of its bucket before it is sent.
type PaceInfo struct {
	// Method and Path are the request ("POST", "/v1/apps/web/machines").
	Method, Path string
	// Op is the operation in pattern form, which names the bucket with
	// the machine or app of the request.
	Op string
	// Delay is how long the request waits.
	Delay time.Duration
}

// WithPaceObserver registers fn, called each time a request waits for the
// client-side rate limits (before the wait; for tracing). fn is called
// from the goroutine making the request, and should not panic (see
// WithObserver).
func WithPaceObserver(fn func(PaceInfo)) Option {
	return func(c *Client) error {
		c.onPace = fn
		return nil
	}
}

// WithMaxResponseBytes bounds how much of a response body is read
// (default DefaultMaxResponseBytes). A larger body fails the call.
func WithMaxResponseBytes(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return errors.New("client: max response bytes must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithClock replaces the real clock used for retry backoff, rate limiting
// and waits; tests use it to take no real time.
func WithClock(clk Clock) Option {
	return func(c *Client) error {
		if clk == nil {
			return errors.New("client: nil Clock")
		}
		c.clock = clk
		return nil
	}
}

// Ptr returns a pointer to v, for the optional fields of the models
// (AutoDestroy: client.Ptr(true)).
func Ptr[T any](v T) *T { return &v }
