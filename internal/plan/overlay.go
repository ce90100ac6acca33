package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"

	"github.com/flyscript/flyscript/internal/openapi"
	"github.com/flyscript/flyscript/sim"
)

// shadowToken authorises the overlay's requests to its own shadow; the
// script's token never reaches the shadow.
const shadowToken = "Bearer flyscript-plan"

// maxBody bounds a request body the overlay buffers (the API's own limit).
const maxBody = 4 << 20

// Overlay is the plan's http.RoundTripper: give it to the API client in
// place of the network (client.WithHTTPClient(&http.Client{Transport: o})).
// It is safe for concurrent use; requests are served one at a time, so the
// plan's order is the order in which the requests arrived.
type Overlay struct {
	upstream http.RoundTripper
	base     *url.URL
	shadow   *sim.Server
	mux      *http.ServeMux // finds an operation's pattern; never serves
	opIDs    map[string]string

	mu      sync.Mutex
	seeded  map[string]bool // seed keys already read (see seed.go)
	changes []Change
}

// shadowSeed seeds the identifiers of the shadow's new objects ("plan").
const shadowSeed = 0x706c616e

// New returns an overlay in front of the API at baseURL, reached through
// upstream (http.DefaultTransport when nil).
func New(baseURL string, upstream http.RoundTripper) (*Overlay, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("plan: invalid API URL %q", baseURL)
	}
	if upstream == nil {
		upstream = http.DefaultTransport
	}
	ops, err := openapi.Operations()
	if err != nil {
		return nil, err
	}
	o := &Overlay{
		upstream: upstream,
		base:     u,
		// A fixed seed: the identifiers the shadow gives new objects are
		// the same on every run that makes the same requests in the same
		// order, so that plans can be compared. Not the simulator's
		// default seed: against a simulator standing in for production
		// (flyscript sim, --sim), the shadow's first new machine would take
		// the id of the upstream's first, and the shadow, which keys
		// machines by id, would then never see that machine.
		shadow: sim.New(sim.WithTimings(sim.InstantTimings()), sim.WithSeed(shadowSeed)),
		mux:    http.NewServeMux(),
		opIDs:  map[string]string{},
		seeded: map[string]bool{},
	}
	nop := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, op := range ops {
		o.opIDs[op.Key()] = op.OperationID
		o.mux.Handle(op.Key(), nop)
	}
	return o, nil
}

// Close stops the shadow's timers.
func (o *Overlay) Close() { o.shadow.Close() }

// Plan returns the changes recorded so far, in order.
func (o *Overlay) Plan() Plan {
	o.mu.Lock()
	defer o.mu.Unlock()
	return Plan{Changes: append([]Change{}, o.changes...)}
}

// call is one request to the overlay, its body read once.
type call struct {
	req     *http.Request
	path    string // below the base URL: /v1/apps/web
	pattern string // "POST /v1/apps/{app_name}/machines", "" when unknown
	op      string // the document's operationId
	params  map[string]string
	body    []byte
}

// RoundTrip serves one request of the API client.
func (o *Overlay) RoundTrip(req *http.Request) (*http.Response, error) {
	c, err := o.newCall(req)
	if err != nil {
		return nil, err
	}
	r, known := rules[c.pattern]
	if !known {
		if req.Method == http.MethodGet {
			return o.passUpstream(c)
		}
		return c.refuse(fmt.Sprintf("plan: %s %s is not an operation of the Machines API, so it cannot be planned", req.Method, c.path)), nil
	}
	if r.mode == upstreamRead {
		return o.passUpstream(c)
	}
	if r.mode == refused {
		return c.refuse(fmt.Sprintf("plan: %s (%s) cannot be planned: %s", c.op, c.pattern, r.why)), nil
	}
	if strings.EqualFold(req.URL.Query().Get("show_secrets"), "true") || strings.HasSuffix(c.pattern, "/credentials") {
		return c.refuse(fmt.Sprintf("plan: %s with show_secrets cannot be planned: secret values are never read in a plan", c.op)), nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if resp, err := o.seed(c, r.needs); resp != nil || err != nil {
		return resp, err
	}
	switch r.mode {
	case waitRead:
		return o.wait(c), nil
	case shadowChange:
		return o.change(c, r), nil
	}
	return o.serveShadow(c, c.req.Method, c.target(), c.body), nil
}

func (o *Overlay) newCall(req *http.Request) (*call, error) {
	c := &call{req: req, path: strings.TrimPrefix(req.URL.Path, strings.TrimSuffix(o.base.Path, "/"))}
	if !strings.HasPrefix(c.path, "/") {
		c.path = "/" + c.path
	}
	if req.Body != nil {
		b, err := io.ReadAll(io.LimitReader(req.Body, maxBody+1))
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("plan: read request body: %w", err)
		}
		if len(b) > maxBody {
			return nil, fmt.Errorf("plan: request body of %s %s is larger than %d bytes", req.Method, c.path, maxBody)
		}
		c.body = b
	}
	probe := &http.Request{Method: req.Method, URL: &url.URL{Path: c.path}, Host: "plan"}
	if _, pattern := o.mux.Handler(probe); pattern != "" {
		c.pattern = pattern
		c.op = o.opIDs[pattern]
		_, p, _ := strings.Cut(pattern, " ")
		c.params = params(p, c.path)
	}
	return c, nil
}

// target is the request's path below the base URL with its query.
func (c *call) target() string {
	return (&url.URL{Path: c.path, RawQuery: c.req.URL.RawQuery}).RequestURI()
}

// refuse answers 501 with the API's error shape and the code `not_planned`:
// the client does not retry it and the script sees the message.
func (c *call) refuse(msg string) *http.Response {
	b, _ := json.Marshal(map[string]string{"error": msg, "status": "not_planned"})
	return response(c.req, http.StatusNotImplemented, http.Header{"Content-Type": {"application/json"}}, b)
}

func response(req *http.Request, code int, h http.Header, body []byte) *http.Response {
	return &http.Response{
		Status: fmt.Sprintf("%d %s", code, http.StatusText(code)), StatusCode: code,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: req,
	}
}

// passUpstream sends a GET to the real API as the script made it.
func (o *Overlay) passUpstream(c *call) (*http.Response, error) {
	if c.req.Method != http.MethodGet {
		return c.refuse(fmt.Sprintf("plan: %s %s would be sent to the API, and a plan sends only reads", c.req.Method, c.path)), nil
	}
	out := c.req.Clone(c.req.Context())
	out.Body = http.NoBody
	return o.upstream.RoundTrip(out)
}

// getUpstream makes one GET of the overlay's own to the real API (to seed
// the shadow), with the script's credentials.
func (o *Overlay) getUpstream(c *call, path string) (int, http.Header, []byte, error) {
	u := *o.base
	p, q, _ := strings.Cut(path, "?")
	u.Path = strings.TrimSuffix(o.base.Path, "/") + p
	u.RawPath = ""
	u.RawQuery = q
	req, err := http.NewRequestWithContext(c.req.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, nil, nil, err
	}
	for _, h := range []string{"Authorization", "User-Agent", "Fly-Machines-Client"} {
		if v := c.req.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := o.upstream.RoundTrip(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, b, nil
}

// serveShadow runs one request on the shadow and returns its answer.
func (o *Overlay) serveShadow(c *call, method, target string, body []byte) *http.Response {
	rec := o.shadowDo(method, target, body, c.req.Header)
	return response(c.req, rec.Code, rec.Header(), rec.Body.Bytes())
}

// shadowDo runs a request on the shadow with the given headers, minus the
// script's credentials.
func (o *Overlay) shadowDo(method, target string, body []byte, h http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	for k, v := range h {
		r.Header[k] = v
	}
	r.Header.Set("Authorization", shadowToken)
	rec := httptest.NewRecorder()
	o.shadow.ServeHTTP(rec, r)
	return rec
}

// shadowGet reads one object from the shadow as JSON; nil when it fails.
func (o *Overlay) shadowGet(path string) map[string]any {
	rec := o.shadowDo(http.MethodGet, path, nil, nil)
	if rec.Code != http.StatusOK {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(rec.Body.Bytes(), &m) != nil {
		return nil
	}
	return m
}
