package bindings

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/flyscript/flyscript/internal/openapi"
)

// Schema is one JSON schema of the embedded OpenAPI document, reduced to what
// argument validation, conversion and the generated definitions need. $ref
// and single-element allOf are resolved: a property that refers to a
// component points at that component's *Schema.
type Schema struct {
	// Name is the component name ("CreateMachineRequest", "fly.MachineConfig"),
	// empty for inline schemas.
	Name string
	// Type is "object", "array", "string", "integer", "number", "boolean", or
	// "" when the document leaves it open (any JSON value).
	Type string
	// Nullable is set when the document allows null ("type": ["integer", "null"]).
	Nullable bool
	// Description is the document's description.
	Description string
	// Format is the document's format (int64, date-time, ...).
	Format string
	// Properties are an object's known fields.
	Properties map[string]*Schema
	// Required lists the required properties.
	Required []string
	// Items is an array's element schema.
	Items *Schema
	// Additional is the value schema of a map (additionalProperties).
	Additional *Schema
	// Enum lists the allowed values, as strings.
	Enum []string
	// Default is the document's default, when it gives one.
	Default any

	names []string // sorted property names
}

// PropertyNames returns the object's property names, sorted.
func (s *Schema) PropertyNames() []string { return s.names }

// FreeForm reports whether the schema is an object that accepts any keys
// with any values (no properties, no additionalProperties schema).
func (s *Schema) FreeForm() bool {
	return s.Type == "object" && len(s.Properties) == 0 && s.Additional == nil
}

// param is a query or header parameter of an operation.
type param struct {
	Name        string
	In          string
	Required    bool
	Description string
	Schema      *Schema
}

// operation is what the bindings need to know about one operation.
type operation struct {
	Method, Path string
	Summary      string
	Params       []*param // query and header parameters, in document order
	Body         *Schema  // JSON request body, nil when none
	Response     *Schema  // JSON schema of the first 2xx answer with content
}

// index is the decoded document.
type index struct {
	schemas map[string]*Schema
	ops     map[string]*operation // "METHOD /path"
}

var (
	indexOnce sync.Once
	indexVal  *index
	indexErr  error
)

// schemas returns the process-wide index of the embedded document, decoding
// it on first use. Nothing on the start-up path calls it: it is needed only
// when a call validates a table or decodes an answer.
func schemas() (*index, error) {
	indexOnce.Do(func() { indexVal, indexErr = buildIndex(openapi.JSON) })
	return indexVal, indexErr
}

// mustSchemas is schemas for callers that cannot go on without it; the
// document is embedded and tested, so a failure is a build defect.
func mustSchemas() *index {
	ix, err := schemas()
	if err != nil {
		panic(err)
	}
	return ix
}

// LookupSchema returns the named component schema of the embedded OpenAPI
// document ("Machine", "fly.MachineConfig"), or nil.
func LookupSchema(name string) *Schema {
	return mustSchemas().schemas[name]
}

// SchemaNames lists the component schemas of the embedded document, sorted.
func SchemaNames() []string {
	ix := mustSchemas()
	out := make([]string, 0, len(ix.schemas))
	for n := range ix.schemas {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

type rawSchema struct {
	Ref         string                `json:"$ref"`
	Type        json.RawMessage       `json:"type"`
	Description string                `json:"description"`
	Format      string                `json:"format"`
	Properties  map[string]*rawSchema `json:"properties"`
	Required    []string              `json:"required"`
	Items       *rawSchema            `json:"items"`
	Additional  json.RawMessage       `json:"additionalProperties"`
	AllOf       []*rawSchema          `json:"allOf"`
	Enum        []any                 `json:"enum"`
	Default     any                   `json:"default"`
	Nullable    bool                  `json:"nullable"`
}

type rawParam struct {
	Name        string     `json:"name"`
	In          string     `json:"in"`
	Required    bool       `json:"required"`
	Description string     `json:"description"`
	Schema      *rawSchema `json:"schema"`
}

type rawContent map[string]struct {
	Schema *rawSchema `json:"schema"`
}

type rawOp struct {
	Summary     string     `json:"summary"`
	Parameters  []rawParam `json:"parameters"`
	RequestBody *struct {
		Content rawContent `json:"content"`
	} `json:"requestBody"`
	Responses map[string]struct {
		Content rawContent `json:"content"`
	} `json:"responses"`
}

type rawDoc struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]*rawSchema `json:"schemas"`
	} `json:"components"`
}

func buildIndex(data []byte) (*index, error) {
	var doc rawDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("bindings: decode OpenAPI document: %w", err)
	}
	ix := &index{schemas: map[string]*Schema{}, ops: map[string]*operation{}}
	for name := range doc.Components.Schemas {
		ix.schemas[name] = &Schema{Name: name}
	}
	b := &builder{ix: ix}
	for name, raw := range doc.Components.Schemas {
		b.fill(ix.schemas[name], raw)
	}
	for path, item := range doc.Paths {
		for method, rawop := range item {
			switch method {
			case "get", "post", "put", "patch", "delete":
			default:
				continue
			}
			var ro rawOp
			if err := json.Unmarshal(rawop, &ro); err != nil {
				return nil, fmt.Errorf("bindings: decode %s %s: %w", method, path, err)
			}
			op := &operation{Method: strings.ToUpper(method), Path: path, Summary: ro.Summary}
			for _, p := range ro.Parameters {
				if p.In != "query" && p.In != "header" {
					continue
				}
				op.Params = append(op.Params, &param{Name: p.Name, In: p.In, Required: p.Required,
					Description: p.Description, Schema: b.schema(p.Schema)})
			}
			if ro.RequestBody != nil {
				if c, ok := ro.RequestBody.Content["application/json"]; ok {
					op.Body = b.schema(c.Schema)
				}
			}
			codes := make([]string, 0, len(ro.Responses))
			for code := range ro.Responses {
				codes = append(codes, code)
			}
			sort.Strings(codes)
			for _, code := range codes {
				if !strings.HasPrefix(code, "2") {
					continue
				}
				if c, ok := ro.Responses[code].Content["application/json"]; ok && c.Schema != nil {
					op.Response = b.schema(c.Schema)
					break
				}
			}
			ix.ops[op.Method+" "+path] = op
		}
	}
	return ix, b.err
}

type builder struct {
	ix  *index
	err error
}

// schema turns an inline raw schema into a *Schema, resolving references.
func (b *builder) schema(r *rawSchema) *Schema {
	if r == nil {
		return &Schema{}
	}
	if ref := b.ref(r); ref != nil {
		return ref
	}
	s := &Schema{}
	b.fill(s, r)
	return s
}

// ref resolves "$ref" and a single-element allOf to the component.
func (b *builder) ref(r *rawSchema) *Schema {
	if r.Ref == "" && len(r.AllOf) == 1 && len(r.Properties) == 0 {
		return b.ref(r.AllOf[0])
	}
	if r.Ref == "" {
		return nil
	}
	name := strings.TrimPrefix(r.Ref, "#/components/schemas/")
	s, ok := b.ix.schemas[name]
	if !ok {
		if b.err == nil {
			b.err = fmt.Errorf("bindings: unknown schema reference %q", r.Ref)
		}
		return &Schema{}
	}
	return s
}

func (b *builder) fill(s *Schema, r *rawSchema) {
	if ref := b.ref(r); ref != nil && ref != s {
		name := s.Name
		*s = *ref // a component that is only a reference to another
		s.Name = name
		return
	}
	s.Description = r.Description
	s.Format = r.Format
	s.Default = r.Default
	s.Nullable = r.Nullable
	s.Required = r.Required
	if len(r.Type) > 0 {
		var one string
		var many []string
		if json.Unmarshal(r.Type, &one) == nil {
			s.Type = one
		} else if json.Unmarshal(r.Type, &many) == nil {
			for _, t := range many {
				if t == "null" {
					s.Nullable = true
				} else {
					s.Type = t
				}
			}
		}
	}
	for _, e := range r.Enum {
		s.Enum = append(s.Enum, fmt.Sprint(e))
	}
	if len(r.Properties) > 0 {
		s.Properties = make(map[string]*Schema, len(r.Properties))
		for name, p := range r.Properties {
			s.Properties[name] = b.schema(p)
			s.names = append(s.names, name)
		}
		sort.Strings(s.names)
		if s.Type == "" {
			s.Type = "object"
		}
	}
	if r.Items != nil {
		s.Items = b.schema(r.Items)
		if s.Type == "" {
			s.Type = "array"
		}
	}
	if len(r.Additional) > 0 && string(r.Additional) != "true" && string(r.Additional) != "false" {
		var ar rawSchema
		if json.Unmarshal(r.Additional, &ar) == nil {
			s.Additional = b.schema(&ar)
			if s.Type == "" {
				s.Type = "object"
			}
		}
	}
	if s.Type == "http" { // a mistyped schema in the document: treat as open
		s.Type = ""
	}
}

// opInfo returns the document's description of "METHOD /path".
func opInfo(key string) *operation {
	return mustSchemas().ops[key]
}
