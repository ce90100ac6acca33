// Package openapi embeds the one copy of the Fly Machines OpenAPI document
// that the client's coverage tests, the simulator and the Lua argument
// validation all read.
//
// The document is about 280 KB; decoding it costs a few milliseconds with
// encoding/json and about 70 ms with kin-openapi. Nothing on flyscript's
// start-up path calls into this package: callers decode it lazily, once, when
// they first need it.
package openapi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// JSON is the raw OpenAPI 3.1 document, byte for byte as copied from
// shared/spec/machines-openapi.json.
//
//go:embed machines-openapi.json
var JSON []byte

// Operation is one method on one path of the document.
type Operation struct {
	Method      string // upper case: GET, POST, PUT, PATCH, DELETE
	Path        string // as the document writes it: /v1/apps/{app_name}
	OperationID string
	Tag         string
	Summary     string
	Deprecated  bool
}

// Key returns "METHOD /path", the form used in the client's `// API:` lines.
func (o Operation) Key() string { return o.Method + " " + o.Path }

var (
	opsOnce sync.Once
	ops     []Operation
	opsErr  error
)

// Operations returns every operation of the document, sorted by path then
// method. The document is decoded on the first call only.
func Operations() ([]Operation, error) {
	opsOnce.Do(func() {
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal(JSON, &doc); err != nil {
			opsErr = fmt.Errorf("openapi: decode document: %w", err)
			return
		}
		for path, item := range doc.Paths {
			for method, raw := range item {
				switch method {
				case "get", "post", "put", "patch", "delete", "head", "options":
				default:
					continue
				}
				var op struct {
					OperationID string   `json:"operationId"`
					Tags        []string `json:"tags"`
					Summary     string   `json:"summary"`
					Deprecated  bool     `json:"deprecated"`
				}
				if err := json.Unmarshal(raw, &op); err != nil {
					opsErr = fmt.Errorf("openapi: decode %s %s: %w", method, path, err)
					return
				}
				o := Operation{
					Method:      strings.ToUpper(method),
					Path:        path,
					OperationID: op.OperationID,
					Summary:     op.Summary,
					Deprecated:  op.Deprecated,
				}
				if len(op.Tags) > 0 {
					o.Tag = op.Tags[0]
				}
				ops = append(ops, o)
			}
		}
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return ops[i].Method < ops[j].Method
		})
	})
	return ops, opsErr
}

// Document decodes the whole document into generic JSON values
// (map[string]any, []any, float64, string, bool, nil). Each call decodes
// afresh, so callers may keep and modify the result.
func Document() (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(JSON, &doc); err != nil {
		return nil, fmt.Errorf("openapi: decode document: %w", err)
	}
	return doc, nil
}
