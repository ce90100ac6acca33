package client

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/flyscript/flyscript/internal/openapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEverySchemaPropertyHasAJSONField walks every schema of the embedded
// document and fails when a property has no JSON field in its Go type, when
// a Go field names no property, or when the kinds disagree.
func TestEverySchemaPropertyHasAJSONField(t *testing.T) {
	t.Parallel()
	doc, err := openapi.Document()
	require.NoError(t, err)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	assert.Len(t, generatedSchemas, len(schemas), "one Go type per schema")

	names := make([]string, 0, len(schemas))
	for n := range schemas {
		names = append(names, n)
	}
	sort.Strings(names)
	var problems []string
	props := 0
	for _, n := range names {
		v, ok := generatedSchemas[n]
		if !ok {
			problems = append(problems, n+": no Go type")
			continue
		}
		w := &schemaWalker{schemas: schemas}
		w.check(n, schemas[n].(map[string]any), reflect.TypeOf(v))
		problems = append(problems, w.problems...)
		props += w.props
	}
	assert.Empty(t, problems)
	t.Logf("%d schemas, %d properties checked", len(names), props)
	assert.Greater(t, props, 700, "the walk reached the properties")
}

type schemaWalker struct {
	schemas  map[string]any
	problems []string
	props    int
}

func (w *schemaWalker) fail(path, format string, args ...any) {
	w.problems = append(w.problems, path+": "+fmt.Sprintf(format, args...))
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func (w *schemaWalker) check(path string, s map[string]any, gt reflect.Type) {
	gt = deref(gt)
	if ref := schemaRef(s); ref != "" {
		want := deref(reflect.TypeOf(generatedSchemas[ref]))
		if want != gt {
			w.fail(path, "refers to %s (Go %v) but the field is %v", ref, want, gt)
		}
		return
	}
	if p, ok := s["properties"].(map[string]any); ok && len(p) > 0 {
		if gt.Kind() != reflect.Struct {
			w.fail(path, "an object with properties, but Go %v", gt)
			return
		}
		fields := map[string]reflect.StructField{}
		for i := range gt.NumField() {
			f := gt.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				w.fail(path, "Go field %s has no JSON name", f.Name)
				continue
			}
			fields[name] = f
			if _, ok := p[name]; !ok {
				w.fail(path, "Go field %s (%q) is not a property", f.Name, name)
			}
		}
		for name, ps := range p {
			w.props++
			f, ok := fields[name]
			if !ok {
				w.fail(path+"."+name, "no JSON field in Go type %v", gt)
				continue
			}
			w.check(path+"."+name, ps.(map[string]any), f.Type)
		}
		return
	}
	switch schemaType(s) {
	case "string":
		w.expectKind(path, gt, reflect.String)
	case "integer":
		w.expectKind(path, gt, reflect.Int, reflect.Int64, reflect.Int32)
	case "number":
		w.expectKind(path, gt, reflect.Float64)
	case "boolean":
		w.expectKind(path, gt, reflect.Bool)
	case "array":
		if items, _ := s["items"].(map[string]any); gt == reflect.TypeOf(Bytes(nil)) && items != nil && schemaType(items) == "integer" {
			return // a byte field: see Bytes
		}
		if gt.Kind() != reflect.Slice {
			w.fail(path, "an array, but Go %v", gt)
			return
		}
		if items, ok := s["items"].(map[string]any); ok {
			w.check(path+"[]", items, gt.Elem())
		}
	case "object":
		if gt.Kind() != reflect.Map {
			w.fail(path, "an object without properties, but Go %v", gt)
			return
		}
		if ap, ok := s["additionalProperties"].(map[string]any); ok {
			w.check(path+"{}", ap, gt.Elem())
		}
	}
}

func (w *schemaWalker) expectKind(path string, gt reflect.Type, kinds ...reflect.Kind) {
	for _, k := range kinds {
		if gt.Kind() == k {
			return
		}
	}
	w.fail(path, "expected Go kind %v, got %v", kinds, gt)
}

// schemaRef returns the schema a $ref or a one-element allOf points at.
func schemaRef(s map[string]any) string {
	if r, ok := s["$ref"].(string); ok {
		return strings.TrimPrefix(r, "#/components/schemas/")
	}
	if all, ok := s["allOf"].([]any); ok && len(all) == 1 {
		return schemaRef(all[0].(map[string]any))
	}
	return ""
}

func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		for _, x := range t {
			if x != "null" {
				return x.(string)
			}
		}
	}
	return ""
}

// Zero values that matter survive a round trip; absent fields stay absent.
func TestModelsKeepZeroAndAbsentApart(t *testing.T) {
	t.Parallel()
	cfg := MachineConfig{Image: "nginx", AutoDestroy: Ptr(false), Restart: &MachineRestart{Policy: "on-failure", MaxRetries: Ptr(0)}}
	b, err := json.Marshal(CreateMachineRequest{Config: &cfg, Region: "ord"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"config":{"image":"nginx","auto_destroy":false,"restart":{"policy":"on-failure","max_retries":0}},"region":"ord"}`, string(b))

	var m Machine
	require.NoError(t, json.Unmarshal([]byte(`{"id":"m1","config":{"guest":{"cpus":2,"memory_mb":512},"env":{"A":"1"},"stop_config":{"timeout":"10s"}},"events":[{"request":{"exit_event":{"exit_code":0}}}]}`), &m))
	assert.Equal(t, 2, m.Config.Guest.CPUs)
	assert.Equal(t, "1", m.Config.Env["A"])
	assert.Equal(t, "10s", m.Config.StopConfig.Timeout, "durations stay strings")
	assert.Nil(t, m.Config.AutoDestroy)
	assert.Contains(t, m.Events[0].Request, "exit_event")
}
