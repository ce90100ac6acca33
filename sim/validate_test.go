package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/openapi"
)

// undocumented lists, in this one place, the statuses the real API gives
// and the document omits (sources: shared/notes/machines-api.md). Keys are
// operations ("METHOD /path") or "*" for every operation. Responses with
// these statuses are checked against ErrorResponse (PostgresErrorResponse
// under /v1/postgres) instead of the operation's responses.
var undocumented = map[string][]int{
	// Any operation: bad input, no or wrong token, another organisation's
	// resource, not found, rate limited, and injected or shutdown faults.
	"*": {400, 401, 403, 404, 429, 500, 502, 503},

	// Wait: 408 deadline_exceeded on timeout.
	"GET /v1/apps/{app_name}/machines/{machine_id}/wait": {408},

	// 409 on mutations (a lease held by another, name in use, attached
	// volume, concurrent snapshot) and 412 failed_precondition for illegal
	// transitions and operations that need a running machine.
	"POST /v1/apps":                                                 {409},
	"DELETE /v1/apps/{app_name}":                                    {412},
	"POST /v1/apps/{app_name}/machines":                             {409},
	"POST /v1/apps/{app_name}/machines/{machine_id}":                {412},
	"DELETE /v1/apps/{app_name}/machines/{machine_id}":              {409, 412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/start":          {409, 412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/stop":           {409, 412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/restart":        {409, 412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/suspend":        {409, 412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/cordon":         {409},
	"POST /v1/apps/{app_name}/machines/{machine_id}/uncordon":       {409},
	"POST /v1/apps/{app_name}/machines/{machine_id}/signal":         {412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/exec":           {412},
	"GET /v1/apps/{app_name}/machines/{machine_id}/ps":              {412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/memory/reclaim": {412},
	"POST /v1/apps/{app_name}/machines/{machine_id}/lease":          {409},
	"DELETE /v1/apps/{app_name}/machines/{machine_id}/lease":        {409},
	"DELETE /v1/apps/{app_name}/volumes/{volume_id}":                {409},
	"POST /v1/apps/{app_name}/volumes/{volume_id}/snapshots":        {409},

	// Certificates: an ACME or custom certificate missing on delete.
	"DELETE /v1/apps/{app_name}/certificates/{hostname}/acme":   {404},
	"DELETE /v1/apps/{app_name}/certificates/{hostname}/custom": {404},

	// Managed Postgres: 410 for a deleted cluster, 503 while its admin
	// service is not up, and the statuses the document gives its siblings.
	"GET /v1/postgres/{postgres_cluster_id}":                                      {410},
	"GET /v1/postgres/{postgres_cluster_id}/backups":                              {410},
	"POST /v1/postgres/{postgres_cluster_id}/backups":                             {410},
	"GET /v1/postgres/{postgres_cluster_id}/databases":                            {410},
	"POST /v1/postgres/{postgres_cluster_id}/databases":                           {410},
	"DELETE /v1/postgres/{postgres_cluster_id}/databases/{database_name}":         {410},
	"GET /v1/postgres/{postgres_cluster_id}/queries/active":                       {410},
	"GET /v1/postgres/{postgres_cluster_id}/queries/slow":                         {410},
	"POST /v1/postgres/{postgres_cluster_id}/restore":                             {410},
	"GET /v1/postgres/{postgres_cluster_id}/users":                                {410},
	"POST /v1/postgres/{postgres_cluster_id}/users":                               {410},
	"PATCH /v1/postgres/{postgres_cluster_id}/users/{username}":                   {410},
	"DELETE /v1/postgres/{postgres_cluster_id}/users/{username}":                  {410},
	"GET /v1/postgres/{postgres_cluster_id}/users/{username}/credentials":         {410},
	"GET /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions": {410},
}

type docRoute struct {
	re     *regexp.Regexp
	path   string
	params []string
	fixed  int // literal characters: the most specific match wins
}

var (
	docOnce   sync.Once
	docT      *openapi3.T
	docRoutes []docRoute
	docErr    error
)

// loadDoc decodes the embedded document with kin-openapi, once per test
// binary.
func loadDoc(t testing.TB) *openapi3.T {
	docOnce.Do(func() {
		l := openapi3.NewLoader()
		docT, docErr = l.LoadFromData(openapi.JSON)
		if docErr != nil {
			return
		}
		// kin-openapi compiles a JSON Schema 2020-12 validator on every
		// response of a 3.1 document (about 20 ms for a Machine). The
		// document uses no 2020-12 keyword but type lists such as
		// ["integer", "null"], which the 3.0 validator also reads, so
		// responses are checked with it.
		docT.OpenAPI = "3.0.3"
		base64Bytes(docT)
		for path := range docT.Paths.Map() {
			var names, parts []string
			fixed := 0
			for _, seg := range strings.Split(path, "/") {
				if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
					names = append(names, strings.Trim(seg, "{}"))
					parts = append(parts, "([^/]+)")
					continue
				}
				fixed += len(seg) + 1
				parts = append(parts, regexp.QuoteMeta(seg))
			}
			docRoutes = append(docRoutes, docRoute{
				re: regexp.MustCompile("^" + strings.Join(parts, "/") + "$"), path: path, params: names, fixed: fixed,
			})
		}
		sort.Slice(docRoutes, func(i, j int) bool { return docRoutes[i].fixed > docRoutes[j].fixed })
	})
	require.NoError(t, docErr)
	return docT
}

// base64Bytes makes every byte field of the document a base64 string. The
// document types them (secret key values, plaintexts, ciphertexts,
// signatures, public keys, token nonces: every array of integers it has) as
// arrays of integers, but the API is a Go server whose fields are []byte,
// which Go writes as base64 strings; fly-go's types are []byte and read
// either form. The simulator answers as the server does (see bytesJSON), so
// its answers are checked against what the server writes.
func base64Bytes(doc *openapi3.T) {
	for _, ref := range doc.Components.Schemas {
		if ref.Value == nil {
			continue
		}
		for name, p := range ref.Value.Properties {
			v := p.Value
			if v != nil && v.Type.Is("array") && v.Items != nil && v.Items.Value != nil && v.Items.Value.Type.Is("integer") {
				ref.Value.Properties[name] = openapi3.NewSchemaRef("", openapi3.NewStringSchema().WithPattern(`^[A-Za-z0-9+/]*={0,2}$`))
			}
		}
	}
}

// findRoute matches a request to the document's operation.
func findRoute(t testing.TB, req *http.Request) (*routers.Route, map[string]string) {
	doc := loadDoc(t)
	for _, r := range docRoutes {
		m := r.re.FindStringSubmatch(req.URL.EscapedPath())
		if m == nil {
			continue
		}
		item := doc.Paths.Value(r.path)
		op := item.GetOperation(req.Method)
		if op == nil {
			continue
		}
		params := map[string]string{}
		for i, n := range r.params {
			params[n] = m[i+1]
		}
		return &routers.Route{Spec: doc, Path: r.path, PathItem: item, Method: req.Method, Operation: op}, params
	}
	return nil, nil
}

// checkResponse validates one response of the simulator against the
// document: a documented status against the operation's response, a status
// of the undocumented list against the error schema. Every response must
// carry fly-request-id.
func checkResponse(t testing.TB, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	require.NotEmpty(t, header.Get("fly-request-id"), "%s %s: no fly-request-id", req.Method, req.URL)
	route, params := findRoute(t, req)
	if route == nil {
		require.Equal(t, http.StatusNotFound, status, "%s %s is no operation of the document", req.Method, req.URL.Path)
		return
	}
	key := req.Method + " " + route.Path
	if route.Operation.Responses.Status(status) != nil {
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 status,
			Header:                 header,
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		}
		in.SetBodyBytes(body)
		require.NoError(t, openapi3filter.ValidateResponse(context.Background(), in), "%s: %d %s", key, status, body)
		return
	}
	listed := false
	for _, k := range []string{"*", key} {
		for _, s := range undocumented[k] {
			listed = listed || s == status
		}
	}
	require.True(t, listed, "%s answered %d, which neither the document nor the undocumented list has: %s", key, status, body)
	schema := "ErrorResponse"
	if strings.HasPrefix(route.Path, "/v1/postgres") {
		schema = "PostgresErrorResponse"
	}
	var v any
	require.NoError(t, json.Unmarshal(body, &v), "%s %d: body is not JSON: %s", key, status, body)
	require.NoError(t, loadDoc(t).Components.Schemas[schema].Value.VisitJSON(v, openapi3.VisitAsResponse()),
		"%s %d: body does not match %s: %s", key, status, schema, body)
	msg, _ := v.(map[string]any)["error"].(string)
	require.NotEmpty(t, msg, "%s %d: no error message: %s", key, status, body)
}

// validatingTransport checks every response that crosses it (for tests
// over real HTTP).
type validatingTransport struct {
	t    testing.TB
	base http.RoundTripper
}

func (v validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	checkResponse(v.t, req, resp.StatusCode, resp.Header, b)
	return resp, nil
}
