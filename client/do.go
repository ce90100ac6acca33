package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// NonceHeader carries a machine lease's nonce on the requests that accept it.
const NonceHeader = "fly-machine-lease-nonce"

// RequestIDHeader is the response header that identifies a request to Fly.io.
const RequestIDHeader = "fly-request-id"

// Request is one API call for Do: an operation of the document, its path
// parameters, query and JSON body.
type Request struct {
	// Method is the HTTP method: GET, POST, PUT, PATCH, DELETE.
	Method string
	// Pattern is the path as the document writes it,
	// "/v1/apps/{app_name}/machines/{machine_id}/stop". A concrete path
	// ("/v1/apps/web/machines", Params empty) works too: it is matched against
	// the document's operations for rate limiting and error reporting.
	Pattern string
	// Params fills the pattern's {placeholders}; values are path-escaped.
	Params map[string]string
	// Query is the query string.
	Query url.Values
	// Body is the JSON body; nil sends no body.
	Body []byte
	// Nonce, when set, is sent as the fly-machine-lease-nonce header.
	Nonce string
	// Header holds extra request headers (Authorization cannot be set here).
	Header http.Header
}

// Response is the undecoded answer to a Request with a 2xx status.
type Response struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Header is the response header.
	Header http.Header
	// Body is the response body, read through the client's size limit.
	Body []byte
}

// CallInfo describes one HTTP attempt, for WithObserver. It never contains
// the token.
type CallInfo struct {
	// Method is the HTTP method.
	Method string
	// Path is the concrete path, without the query string.
	Path string
	// StatusCode is the HTTP status, 0 when no response came.
	StatusCode int
	// Duration is the time the attempt took.
	Duration time.Duration
	// RequestID is the fly-request-id response header.
	RequestID string
	// Attempt counts attempts of the same call from 1.
	Attempt int
	// Err is the attempt's failure (a *Error), nil on success.
	Err error
	// Op is the operation in pattern form: "GET /v1/apps/{app_name}".
	Op string
}

// Do performs req through the client's authentication, rate limits, retries
// and error handling, and returns the undecoded body of a 2xx answer. Every
// failure is a *Error. See the package documentation for the retry rules and
// the recovery of machine creates whose outcome is unknown.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if req == nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "nil request"}
	}
	method := strings.ToUpper(strings.TrimSpace(req.Method))
	pattern, params, query := resolve(method, req)
	e := &Error{Op: method + " " + pattern, Method: method}
	path, err := expand(pattern, params)
	if err != nil {
		e.Path = pattern
		e.Code, e.Message = CodeInvalidArgument, err.Error()
		return nil, c.sanitize(e)
	}
	e.Path = path
	if method == "" {
		e.Code, e.Message = CodeInvalidArgument, "no method"
		return nil, c.sanitize(e)
	}
	call := &call{req: req, method: method, pattern: pattern, params: params, path: path, query: query}
	resp, cerr := c.run(ctx, call)
	if cerr != nil {
		return nil, c.sanitize(cerr)
	}
	return resp, nil
}

// transportPanic is the error of a request whose HTTP transport (a
// RoundTripper of the caller's, WithHTTPClient) panicked. The calls of a
// script's tasks run on goroutines of their own, where the panic would end
// the process; it fails the call instead, and is not retried.
type transportPanic struct{ value any }

func (e *transportPanic) Error() string {
	return fmt.Sprintf("the HTTP transport panicked: %v", e.value)
}

// permanent is implemented by an error of a RoundTripper (the caller's,
// WithHTTPClient) that no retry can cure: the call fails with code
// "internal" at once, rather than as a network error, retried, with a hint
// about the network.
type permanent interface {
	error
	Permanent() bool
}

// send is httpClient.Do, with a panic of the transport as its error.
func (c *Client) send(hreq *http.Request) (hresp *http.Response, err error) {
	defer func() {
		if r := recover(); r != nil {
			hresp, err = nil, &transportPanic{value: r}
		}
	}()
	return c.httpClient.Do(hreq)
}

// call is one Do in progress.
type call struct {
	req                   *Request
	method, pattern, path string
	params                map[string]string
	query                 url.Values
}

func (k *call) newError() *Error {
	return &Error{Op: k.method + " " + k.pattern, Method: k.method, Path: k.path}
}

// run is the retry loop around attempt. The whole call, retries and
// waits included, ends within its bound (RetryPolicy.MaxElapsed) even when
// the caller's context has no deadline.
func (c *Client) run(parent context.Context, k *call) (*Response, *Error) {
	bound := c.callBound(k)
	ctx, cancel := context.WithTimeoutCause(parent, bound, &elapsedTimeout{d: bound})
	defer cancel()
	resp, err := c.retryLoop(ctx, parent, k)
	if err != nil && ctx.Err() != nil && parent.Err() == nil {
		// The call's own bound ended it, not the caller.
		e := k.newError()
		e.Code, e.Err = CodeTimeout, context.Cause(ctx)
		e.Message = e.Err.Error()
		return nil, e
	}
	return resp, err
}

// retryLoop makes attempts under ctx until one succeeds or the retry rules
// say stop; parent is the caller's context.
func (c *Client) retryLoop(ctx, parent context.Context, k *call) (*Response, *Error) {
	start := c.clock.Now()
	p := c.retry
	for n := 1; ; n++ {
		var paced func(time.Duration)
		if c.onPace != nil {
			paced = func(d time.Duration) {
				c.onPace(PaceInfo{Method: k.method, Path: k.path, Op: k.method + " " + k.pattern, Delay: d})
			}
		}
		if err := c.limits.wait(ctx, c.clock, k.method, k.pattern, k.params, paced); err != nil {
			return nil, ctxError(k.newError(), err)
		}
		resp, status, sent, aerr := c.attempt(ctx, k, n)
		if aerr == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, ctxError(k.newError(), ctx.Err())
		}
		if status == http.StatusRequestTimeout && k.method == http.MethodGet && k.pattern == waitPattern {
			return nil, aerr // the wait's "not yet": Machines.Wait loops on it
		}
		v := retryable(k.method, status, aerr.Err, sent)
		if v == outcomeUnknown && isMachineCreate(k.method, k.pattern) {
			name := bodyName(k.req.Body)
			if name == "" {
				return nil, unknownOutcome(aerr, "the create was sent but its outcome is unknown, and without a name it cannot be looked up: it was not retried")
			}
			found, lerr := c.findMachine(ctx, k.params["app_name"], name)
			switch {
			case lerr != nil:
				return nil, unknownOutcome(aerr, fmt.Sprintf("the create was sent but its outcome is unknown, and looking up machine %q failed (%v)", name, lerr))
			case found != nil:
				return found, nil
			}
			v = retryNow // provably not created: try again
		}
		if v == outcomeUnknown && aerr.StatusCode == 0 {
			return nil, unknownOutcome(aerr, "the request was sent but no answer came: it may or may not have taken effect, so it was not retried")
		}
		if v != retryNow || n >= p.MaxAttempts {
			return nil, aerr
		}
		delay := p.backoff(n, c.jitter())
		if ra, ok := parseRetryAfter(aerr.retryAfter, c.clock.Now()); ok && ra > delay {
			delay = ra
		}
		if c.clock.Now().Add(delay).Sub(start) > p.MaxElapsed {
			return nil, aerr
		}
		if dl, ok := parent.Deadline(); ok && time.Until(dl) < delay {
			return nil, aerr // the wait would outlive the caller's deadline
		}
		if err := c.clock.Sleep(ctx, delay); err != nil {
			return nil, ctxError(k.newError(), err)
		}
	}
}

func unknownOutcome(cause *Error, msg string) *Error {
	e := *cause
	e.Code = CodeOutcomeUnknown
	if cause.Message != "" {
		msg += " (" + cause.Message + ")"
	}
	e.Message = msg
	return &e
}

// ctxError turns a context error into a canceled or timeout *Error.
func ctxError(e *Error, err error) *Error {
	e.Err = err
	if errors.Is(err, context.DeadlineExceeded) {
		e.Code, e.Message = CodeTimeout, "deadline exceeded"
	} else {
		e.Code, e.Message = CodeCanceled, "canceled"
	}
	return e
}

// attempt makes one HTTP request. It reports the status (0 when no response
// came) and whether the request was written to the connection.
func (c *Client) attempt(ctx context.Context, k *call, n int) (resp *Response, status int, sent bool, aerr *Error) {
	begin := c.clock.Now()
	var wrote atomic.Bool
	defer func() {
		if c.observer == nil {
			return
		}
		info := CallInfo{Method: k.method, Path: scrub(k.path, c.secrets), StatusCode: status, Duration: c.clock.Now().Sub(begin), Attempt: n, Op: k.method + " " + scrub(k.pattern, c.secrets)}
		if resp != nil {
			info.RequestID = scrub(resp.Header.Get(RequestIDHeader), c.secrets)
		}
		if aerr != nil {
			info.RequestID = aerr.RequestID
			info.Err = c.sanitize(aerr)
		}
		c.observer(info)
	}()

	target := strings.TrimRight(c.baseURL.String(), "/") + escapedPath(k.pattern, k.params)
	if q := k.query.Encode(); q != "" {
		target += "?" + q
	}

	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			wrote.Store(true)
		}
	}}
	var body io.Reader
	if k.req.Body != nil {
		body = bytes.NewReader(k.req.Body)
	}
	// The attempt's own bounds: the response headers within
	// headersTimeout, then no pause longer than BodyIdle in the body.
	actx, cancelAttempt := context.WithCancelCause(ctx)
	defer cancelAttempt(nil)
	headers := c.headersTimeout(k)
	headerTimer := time.AfterFunc(headers, func() {
		cancelAttempt(&attemptTimeout{what: "no response headers", d: headers})
	})
	defer headerTimer.Stop()
	hreq, err := http.NewRequestWithContext(httptrace.WithClientTrace(actx, trace), k.method, target, body)
	if err != nil {
		e := k.newError()
		e.Code, e.Message, e.Err = CodeInvalidArgument, "bad request", err
		return nil, 0, false, e
	}
	for name, vals := range k.req.Header {
		for _, v := range vals {
			hreq.Header.Add(name, v)
		}
	}
	hreq.Header.Del("Authorization")
	if auth := c.authHeader(); auth != "" {
		hreq.Header.Set("Authorization", auth)
	}
	hreq.Header.Set("User-Agent", c.userAgent)
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	if k.req.Body != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}
	if k.req.Nonce != "" {
		hreq.Header.Set(NonceHeader, k.req.Nonce)
	}

	hresp, err := c.send(hreq)
	headerTimer.Stop()
	if err != nil {
		e := k.newError()
		if cause := attemptCause(actx); cause != nil {
			err = cause
		}
		e.Err = err
		var tp *transportPanic
		var perm permanent
		switch {
		case errors.As(err, &tp):
			e.Code, e.Message = CodeInternal, err.Error()
		case errors.As(err, &perm) && perm.Permanent():
			e.Code, e.Message = CodeInternal, transportMessage(err)
		case ctx.Err() != nil:
			ctxError(e, ctx.Err())
		default:
			e.Code, e.Message = CodeNetwork, transportMessage(err)
		}
		return nil, 0, wrote.Load(), e
	}
	defer hresp.Body.Close()
	status = hresp.StatusCode
	bodyReader := newBoundedBody(hresp.Body, c.timeouts.BodyIdle, cancelAttempt)
	data, rerr := io.ReadAll(io.LimitReader(bodyReader, c.maxBody+1))
	bodyReader.stop()
	if cause := attemptCause(actx); rerr != nil && cause != nil {
		rerr = cause
	}
	if rerr == nil && int64(len(data)) > c.maxBody {
		e := k.newError()
		e.StatusCode, e.RequestID = status, hresp.Header.Get(RequestIDHeader)
		e.Code = CodeTooLarge
		e.Message = fmt.Sprintf("response body larger than %d bytes", c.maxBody)
		return nil, status, true, e
	}
	if rerr != nil {
		e := k.newError()
		e.Err = rerr
		if ctx.Err() != nil {
			ctxError(e, ctx.Err())
		} else {
			e.Code, e.Message = CodeNetwork, "reading the response: "+transportMessage(rerr)
		}
		// The status arrived but the body did not: for the retry rules this
		// is a lost answer.
		return nil, 0, true, e
	}
	if status >= 300 {
		// Scrub the whole body before anything is cut from it: a token
		// that straddled a cut would no longer match.
		data = []byte(scrub(string(data), c.secrets))
		e := k.newError()
		e.StatusCode, e.Body = status, data
		e.RequestID = scrub(hresp.Header.Get(RequestIDHeader), c.secrets)
		e.retryAfter = hresp.Header.Get("Retry-After")
		e.decodeErrorBody(data)
		if status < 400 {
			redirectError(e, status, hresp.Header.Get("Location"))
		}
		return nil, status, true, e
	}
	return &Response{StatusCode: status, Header: hresp.Header, Body: data}, status, true, nil
}

// transportMessage is a short text for a transport error, without the URL
// (url.Error repeats the whole URL).
func transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// sanitize removes the token from every text of e.
func (c *Client) sanitize(e *Error) *Error {
	if c.secrets.Empty() {
		return e
	}
	out := *e
	out.Op = scrub(e.Op, c.secrets)
	out.Path = scrub(e.Path, c.secrets)
	out.Message = scrub(e.Message, c.secrets)
	out.Code = scrub(e.Code, c.secrets)
	out.RequestID = scrub(e.RequestID, c.secrets)
	if e.Body != nil {
		if s := scrub(string(e.Body), c.secrets); s != string(e.Body) {
			out.Body = []byte(s)
		}
	}
	out.Err = scrubError(e.Err, c.secrets)
	return &out
}

// expand fills pattern's placeholders with params, unescaped (for URL.Path).
func expand(pattern string, params map[string]string) (string, error) {
	if !strings.HasPrefix(pattern, "/") {
		return "", fmt.Errorf("path %q does not start with /", pattern)
	}
	var b strings.Builder
	rest := pattern
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed { in path %q", pattern)
		}
		name := rest[i+1 : i+j]
		v, ok := params[name]
		if !ok {
			return "", fmt.Errorf("missing path parameter %s", name)
		}
		if v == "" {
			return "", fmt.Errorf("empty path parameter %s", name)
		}
		b.WriteString(rest[:i])
		b.WriteString(v)
		rest = rest[i+j+1:]
	}
}

// escapedPath is expand with each parameter path-escaped.
func escapedPath(pattern string, params map[string]string) string {
	esc := make(map[string]string, len(params))
	for k, v := range params {
		esc[k] = url.PathEscape(v)
	}
	p, _ := expand(pattern, esc)
	return p
}

// isMachineCreate reports whether the call creates a machine.
func isMachineCreate(method, pattern string) bool {
	return method == http.MethodPost && pattern == "/v1/apps/{app_name}/machines"
}

// bodyName returns the "name" field of a JSON object body.
func bodyName(body []byte) string {
	var b struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(body, &b) != nil {
		return ""
	}
	return b.Name
}

// findMachine looks a machine up by name, returning it as a Response when it
// exists and nil when it does not.
func (c *Client) findMachine(ctx context.Context, app, name string) (*Response, error) {
	resp, err := c.Do(ctx, &Request{Method: http.MethodGet, Pattern: "/v1/apps/{app_name}/machines", Params: map[string]string{"app_name": app}})
	if err != nil {
		return nil, err
	}
	var machines []json.RawMessage
	if err := json.Unmarshal(resp.Body, &machines); err != nil {
		return nil, fmt.Errorf("decode machine list: %w", err)
	}
	for _, raw := range machines {
		var m struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &m) == nil && m.Name == name {
			return &Response{StatusCode: http.StatusOK, Header: resp.Header, Body: raw}, nil
		}
	}
	return nil, nil
}
