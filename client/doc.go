// Package client is a Go client for every operation of the Fly.io Machines
// REST API, shaped after go-github: one Client, a service per resource
// (c.Apps, c.Machines, c.Volumes, c.Secrets, c.SecretKeys, c.Certificates,
// c.IPs, c.Orgs, c.Platform, c.Tokens, c.Postgres), context first,
// identifiers positional, optional inputs in one pointer to a struct that
// may be nil:
//
//	c, err := client.FromEnv()
//	...
//	err = c.Machines.Stop(ctx, "my-app", id, &client.StopOptions{Signal: "SIGTERM"})
//
// Every exported method names the operation it serves in a doc line
// "API: METHOD /path", verbatim from the embedded OpenAPI document; a test
// holds these lines against the document. The models (types_gen.go) are
// generated from the document's schemas with the API's JSON names. Optional
// booleans, and integers whose zero means something, are pointers (set them
// with Ptr); durations the API writes as strings ("10s") stay strings.
//
// Do is the raw path under every method: it takes an operation's pattern,
// path parameters, query and JSON body, and returns the undecoded answer,
// through the same authentication, rate limits, retries and errors. The
// Lua bindings use it so that JSON is decoded once. A Client is safe for
// concurrent use.
//
// # Authentication
//
// New never reads the environment; FromEnv does. Its token comes from
// FLY_API_TOKEN, else FLY_ACCESS_TOKEN, else access_token in
// ~/.fly/config.yml; FLY_FLAPS_BASE_URL replaces the endpoint
// https://api.machines.dev (the private http://_api.internal:4280 works
// too). Macaroon tokens ("FlyV1 ...", or parts starting fm1_ or fm2_) are
// sent as "Authorization: FlyV1 ...", any other token as Bearer (see
// AuthorizationHeader). Requests carry the User-Agent "flyscript/<Version>",
// and a cookie jar keeps the API's affinity cookie.
//
// # Errors
//
// Every failure is a *Error with the operation (Op, in pattern form), the
// concrete Method and Path, the HTTP StatusCode (0 when no answer came), a
// Code, the Message and the fly-request-id (RequestID). Code is the API's
// own `status` (insufficient_capacity, name_taken, ...) or one derived from
// the answer: not_found, conflict, failed_precondition, unauthorized,
// rate_limited, invalid_argument, timeout, canceled, network,
// outcome_unknown. Error() reads
//
//	POST /v1/apps/a/machines: 422 insufficient_capacity: <message>
//
// errors.Is matches ErrNotFound, ErrConflict, ErrPreconditionFailed,
// ErrUnauthorized and ErrRateLimited; a canceled context gives Code
// "canceled" and matches context.Canceled, a passed deadline Code "timeout"
// and context.DeadlineExceeded. Hint says what to do when there is
// something to say; Retryable says whether the same call may succeed later.
// Bodies are read through a size limit (WithMaxResponseBytes). The token
// never appears in an error or a CallInfo, even when a transport error or a
// URL would carry it; nor does any run of 16 or more of its characters (a
// prefix, one macaroon of a FlyV1 list), nor where fmt prints a client (its
// endpoint and "token: set") or a service. Redirects are never followed (the
// Machines API does not redirect; following would send the token to the
// Location): a 3xx answer fails with Code "redirect", naming the Location.
//
// # Time bounds
//
// Each attempt waits at most AttemptTimeouts.Headers for the response
// headers (90s: above the API's 60-second long poll; an exec's own timeout
// is added) and AttemptTimeouts.BodyIdle without a byte of the body (30s),
// so that a server that never answers cannot hang a call whose context has
// no deadline; such an attempt counts as a lost answer for the retry rules.
// RetryPolicy.MaxElapsed (2m) bounds the whole call, retries and the
// trickle of a slow body included: past it the call fails with Code
// "timeout", a message naming the bound, and matches
// context.DeadlineExceeded. WithAttemptTimeouts changes the first two.
//
// # Retries and rate limits
//
// Idempotent requests (GET, HEAD, PUT, DELETE) are retried on network
// errors and on 408, 429, 502, 503 and 504, with exponential backoff and
// full jitter, honouring Retry-After (seconds or an HTTP date), bounded in
// attempts and in total time (RetryPolicy), and stopping at once when the
// context ends. POST and PATCH are retried only when the request provably
// was not processed: a 429, or a connection that was never made. When a
// machine create's outcome is unknown (a reset or a 408/502/503/504 after
// it was sent) and its body has a name, the machine is looked up by name:
// found, it is returned; absent, the create is sent again. Without a name
// the error's Code is "outcome_unknown" and nothing is repeated.
//
// Client-side token buckets follow the documented limits, keyed by action
// (method and path pattern) and identifier (machine_id, else app_name):
// 1 request/s per action and machine or app; Get Machine 5/s; app deletes
// 100 per minute. Bursts are one under the documented ones (2, 9 and 99
// rather than 3, 10 and 100): the spare token absorbs network jitter, so a
// paced client never sees a 429 from a server enforcing the exact limits. WithRateLimits changes
// them, WithoutRateLimits turns them off. WithObserver sees every attempt.
//
// # Waiting
//
// Machines.Wait waits for one or several states for any length of time:
// it repeats the API's long poll in slices of at most 60 s, treats 408 as
// "not yet", follows the machine to its new version when the version waited
// on was replaced, counts a 404 as success when waiting for "destroyed",
// and stops when the context ends.
//
// # Leases
//
// Machines.AcquireLease, GetLease, RefreshLease and ReleaseLease read the
// API's envelope {"status":"success","data":{...}} and the flat Lease of
// the document alike (DecodeLease). Mutations that accept a lease take its
// nonce in their options (Nonce fields) and send it in the
// fly-machine-lease-nonce header; Request.Nonce does the same for Do.
//
// # Pagination
//
// List methods follow next_cursor (in the body) or fly-next-cursor (a
// header) to the last page and return everything, unless ListOptions.Limit
// asks for one page; ListOptions.Cursor starts at a given page and
// ListOptions.Next receives the cursor of the page after.
package client
