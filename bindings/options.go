package bindings

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// resolvedOpts is a function's options table, resolved against the document.
type resolvedOpts struct {
	byName map[string]*Field
	names  []string
	schema map[string]*Schema // type of each document-derived option
}

var optCache sync.Map // Func.Name -> *resolvedOpts

// optionsOf resolves fn's options once per process.
func optionsOf(fn *Func) *resolvedOpts {
	key := fn.Name
	if len(fn.Ops) > 0 {
		key += " " + fn.Ops[0]
	}
	if v, ok := optCache.Load(key); ok {
		return v.(*resolvedOpts)
	}
	r := &resolvedOpts{byName: map[string]*Field{}, schema: map[string]*Schema{}}
	var op *operation
	if len(fn.Ops) > 0 {
		op = opInfo(fn.Ops[0])
	}
	if op != nil && fn.opts.query {
		for _, p := range op.Params {
			if p.In != "query" || contains(fn.opts.omit, p.Name) {
				continue
			}
			name, typ := p.Name, luaType(p.Schema)
			if strings.HasSuffix(name, ".{key}") { // metadata.{key}=value filters
				name, typ = strings.TrimSuffix(name, ".{key}"), "table<string, string>"
			}
			r.byName[name] = &Field{Name: name, Type: typ, Doc: firstLine(p.Description), in: "query"}
			r.schema[name] = p.Schema
		}
	}
	if op != nil && fn.opts.body && op.Body != nil {
		for _, name := range op.Body.names {
			if contains(fn.opts.omit, name) {
				continue
			}
			ps := op.Body.Properties[name]
			r.byName[name] = &Field{Name: name, Type: luaType(ps), Doc: firstLine(ps.Description), in: "body"}
			r.schema[name] = ps
		}
	}
	for i := range fn.opts.extra {
		x := fn.opts.extra[i]
		if old, ok := r.byName[x.Name]; ok {
			if x.in == "" {
				x.in = old.in
			}
			if x.Doc == "" {
				x.Doc = old.Doc
			}
			if x.Type == "" {
				x.Type = old.Type
			}
		}
		if x.in == "" {
			x.in = "local"
		}
		r.byName[x.Name] = &x
	}
	for name, f := range r.byName {
		r.names = append(r.names, name)
		if f.Default != "" && f.def == nil {
			if s, err := strconv.Unquote(f.Default); err == nil {
				f.def = lua.LString(s)
			} else if n, err := strconv.ParseFloat(f.Default, 64); err == nil {
				f.def = lua.LNumber(n)
			}
		}
	}
	sort.Strings(r.names)
	v, _ := optCache.LoadOrStore(key, r)
	return v.(*resolvedOpts)
}

func optionFields(fn *Func) []*Field {
	if !fn.opts.any() {
		return nil
	}
	r := optionsOf(fn)
	out := make([]*Field, 0, len(r.names))
	for _, n := range r.names {
		out = append(out, r.byName[n])
	}
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// luaType is the LuaLS type of a schema.
func luaType(s *Schema) string {
	if s == nil {
		return "any"
	}
	if s.Name != "" && s.Type == "object" {
		return ClassName(s.Name)
	}
	switch s.Type {
	case "string", "integer", "number", "boolean":
		if len(s.Enum) > 0 && s.Type == "string" {
			return `"` + strings.Join(s.Enum, `"|"`) + `"`
		}
		return s.Type
	case "array":
		t := luaType(s.Items)
		if strings.Contains(t, "|") {
			t = "(" + t + ")"
		}
		return t + "[]"
	case "object":
		if s.Additional != nil {
			return "table<string, " + luaType(s.Additional) + ">"
		}
		return "table"
	}
	if s.Name != "" {
		return ClassName(s.Name)
	}
	return "any"
}

// parseDuration reads a duration option: a number of seconds or a Go
// duration string, as the time module reads them.
func parseDuration(v lua.LValue) (time.Duration, error) {
	return stdlib.Duration(nil, v)
}

// seconds rounds a duration up to whole seconds.
func seconds(d time.Duration) int64 {
	return int64((d + time.Second - 1) / time.Second)
}

// queryValues converts an option value into query string values, checking
// it against the parameter's schema.
func queryValues(v lua.LValue, s *Schema) ([]string, error) {
	typ := ""
	if s != nil {
		typ = s.Type
	}
	switch typ {
	case "array":
		t, ok := v.(*lua.LTable)
		if !ok {
			one, err := queryValues(v, s.Items)
			return one, err
		}
		n, _ := arrayLen(t)
		if n < 0 {
			return nil, fmt.Errorf("expected array, got table")
		}
		var out []string
		for i := 1; i <= n; i++ {
			vals, err := queryValues(t.RawGetInt(i), s.Items)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out = append(out, vals...)
		}
		return out, nil
	case "boolean":
		b, ok := v.(lua.LBool)
		if !ok {
			return nil, fmt.Errorf("expected boolean, got %s", luaTypeName(v))
		}
		return []string{strconv.FormatBool(bool(b))}, nil
	case "integer", "number":
		n, ok := v.(lua.LNumber)
		if !ok {
			return nil, fmt.Errorf("expected %s, got %s", typ, luaTypeName(v))
		}
		f := float64(n)
		if typ == "integer" {
			if msg := integerError(f); msg != "" {
				return nil, fmt.Errorf("%s", msg)
			}
		}
		e := &encoder{}
		e.number(f)
		return []string{string(e.buf)}, nil
	case "string":
		str, ok := v.(lua.LString)
		if !ok {
			// a list of values for a string parameter is sent repeated
			if t, isTable := v.(*lua.LTable); isTable {
				if n, _ := arrayLen(t); n > 0 {
					return queryValues(v, &Schema{Type: "array", Items: s})
				}
			}
			return nil, fmt.Errorf("expected string, got %s", luaTypeName(v))
		}
		if len(s.Enum) > 0 && !contains(s.Enum, string(str)) {
			return nil, fmt.Errorf("%s", enumMessage(string(str), s.Enum))
		}
		return []string{string(str)}, nil
	}
	switch x := v.(type) {
	case lua.LString:
		return []string{string(x)}, nil
	case lua.LBool:
		return []string{strconv.FormatBool(bool(x))}, nil
	case lua.LNumber:
		e := &encoder{}
		e.number(float64(x))
		return []string{string(e.buf)}, nil
	}
	return nil, fmt.Errorf("expected string, number or boolean, got %s", luaTypeName(v))
}

// addQueryMap adds prefix.key=value for each entry of a table option
// (metadata filters).
func addQueryMap(q url.Values, prefix string, v lua.LValue) error {
	t, ok := v.(*lua.LTable)
	if !ok {
		return fmt.Errorf("expected table, got %s", luaTypeName(v))
	}
	keys, bad := sortedStringKeys(t)
	if bad != nil {
		return fmt.Errorf("keys must be strings, got %s", luaTypeName(bad))
	}
	for _, k := range keys {
		vals, err := queryValues(t.RawGetString(k), &Schema{Type: "string"})
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		for _, s := range vals {
			q.Add(prefix+"."+k, s)
		}
	}
	return nil
}
