package sim

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// StateError is a state file (or its journal) that does not load: File is
// the file, Where the place in it (a JSON path such as
// `$.machines["3d8d9e1b"].versions`, or a line and column), Problem what is
// wrong. The file is left as it is.
type StateError struct {
	File    string
	Where   string
	Problem string
}

// Error reads "sim: state file F: at WHERE: PROBLEM".
func (e *StateError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sim: state file %s", e.File)
	if e.Where != "" {
		fmt.Fprintf(&b, ": at %s", e.Where)
	}
	fmt.Fprintf(&b, ": %s", e.Problem)
	return b.String()
}

// decodeChecked decodes one JSON document into v after checking its shape
// against v's type: every field known, every value of the right JSON kind,
// no null where an object is needed. Errors name the JSON path.
func decodeChecked(file, prefix string, b []byte, v any, nullEntries ...string) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var raw any
	if err := d.Decode(&raw); err != nil {
		return &StateError{File: file, Where: prefix + offsetWhere(b, err), Problem: "not JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	if _, err := d.Token(); err == nil {
		return &StateError{File: file, Where: prefix + lineCol(b, d.InputOffset()), Problem: "more data after the JSON value"}
	}
	c := shapeChecker{nullEntries: map[string]bool{}}
	for _, p := range nullEntries {
		c.nullEntries[p] = true
	}
	if err := c.check(raw, reflect.TypeOf(v).Elem(), "$", false); err != nil {
		err.File = file
		err.Where = prefix + err.Where
		return err
	}
	if err := decodeJSON(b, v); err != nil { // cannot fail after checkShape, but never ignore it
		return &StateError{File: file, Where: strings.TrimSuffix(prefix, ": "), Problem: err.Error()}
	}
	return nil
}

// offsetWhere turns a decoding error's offset into "line L, column C".
func offsetWhere(b []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return lineCol(b, se.Offset)
	}
	return lineCol(b, int64(len(b))) // io.EOF, io.ErrUnexpectedEOF: cut short
}

func lineCol(b []byte, off int64) string {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// shapeChecker holds the paths of the maps whose entries may be null (a
// journal record's deletions).
type shapeChecker struct{ nullEntries map[string]bool }

// check compares a decoded JSON value (UseNumber) with the Go type it
// is meant for. nullable says whether null is acceptable here: it is for
// struct fields that are pointers, maps or slices, never for the elements
// of a map or a list.
func (c shapeChecker) check(v any, t reflect.Type, path string, nullable bool) *StateError {
	bad := func(format string, a ...any) *StateError {
		return &StateError{Where: path, Problem: fmt.Sprintf(format, a...)}
	}
	if v == nil {
		switch t.Kind() {
		case reflect.Map, reflect.Slice, reflect.Interface:
			return nil
		case reflect.Pointer:
			if nullable {
				return nil
			}
		}
		return bad("null, want %s", jsonKind(t))
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		b, _ := json.Marshal(v)
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
			return bad("%s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil
	case reflect.String:
		if _, ok := v.(string); !ok {
			return bad("%s, want a string", describe(v))
		}
	case reflect.Bool:
		if _, ok := v.(bool); !ok {
			return bad("%s, want true or false", describe(v))
		}
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(json.Number)
		if !ok {
			return bad("%s, want a whole number", describe(v))
		}
		if _, err := strconv.ParseInt(string(n), 10, t.Bits()); err != nil {
			return bad("%s is not a whole number that fits", n)
		}
	case reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			return bad("%s, want a number", describe(v))
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // []byte: base64
			s, ok := v.(string)
			if !ok {
				return bad("%s, want a base64 string", describe(v))
			}
			b, _ := json.Marshal(s)
			if err := json.Unmarshal(b, new([]byte)); err != nil {
				return bad("not base64")
			}
			return nil
		}
		l, ok := v.([]any)
		if !ok {
			return bad("%s, want a list", describe(v))
		}
		for i, x := range l {
			if err := c.check(x, t.Elem(), fmt.Sprintf("%s[%d]", path, i), false); err != nil {
				return err
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return bad("%s, want an object", describe(v))
		}
		for _, k := range sortedKeys(m) {
			if err := c.check(m[k], t.Elem(), fmt.Sprintf("%s[%q]", path, k), c.nullEntries[path]); err != nil {
				return err
			}
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return bad("%s, want an object", describe(v))
		}
		fields := jsonFields(t)
		for _, k := range sortedKeys(m) {
			f, ok := fields[k]
			if !ok {
				return &StateError{Where: path, Problem: fmt.Sprintf("unknown field %q (known: %s)", k, strings.Join(sortedKeys(fields), ", "))}
			}
			k := f.Type.Kind()
			if err := c.check(m[f.name], f.Type, path+"."+f.name, k == reflect.Pointer || k == reflect.Map || k == reflect.Slice); err != nil {
				return err
			}
		}
	default:
		return bad("cannot be checked (%s)", t)
	}
	return nil
}

type jsonField struct {
	reflect.StructField
	name string
}

// jsonFields maps a struct's JSON names to its fields.
func jsonFields(t reflect.Type) map[string]jsonField {
	out := map[string]jsonField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = jsonField{f, name}
	}
	return out
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// describe names a JSON value's kind for a message.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return fmt.Sprintf("the string %q", x)
	case json.Number:
		return "the number " + string(x)
	case bool:
		return fmt.Sprintf("%t", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "null"
}

// jsonKind names what a Go type is in JSON.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Struct:
		return "an object"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	}
	return "a number"
}

// knownStates are the machine states of the lifecycle table.
var knownStates = func() map[string]bool {
	out := map[string]bool{}
	for _, byState := range lifecycle {
		for from, t := range byState {
			if from != "" {
				out[from] = true
			}
			out[t.to] = true
			for _, v := range t.via {
				out[v] = true
			}
		}
	}
	return out
}()

// checkWorld checks what the shape cannot: keys that match the ids, the
// references between objects, and the invariants the handlers rely on.
func checkWorld(w *world) *StateError {
	bad := func(where, format string, a ...any) *StateError {
		return &StateError{Where: where, Problem: fmt.Sprintf(format, a...)}
	}
	if err := keysMatch("$.orgs", "slug", w.Orgs, func(o *orgState) string { return o.Slug }); err != nil {
		return err
	}
	if err := keysMatch("$.apps", "name", w.Apps, func(a *app) string { return a.Name }); err != nil {
		return err
	}
	if err := keysMatch("$.machines", "id", w.Machines, func(m *machine) string { return m.ID }); err != nil {
		return err
	}
	if err := keysMatch("$.volumes", "id", w.Volumes, func(v *volume) string { return v.ID }); err != nil {
		return err
	}
	if err := keysMatch("$.postgres", "id", w.Postgres, func(c *pgCluster) string { return c.ID }); err != nil {
		return err
	}
	for _, k := range sortedKeys(w.Apps) {
		a, at := w.Apps[k], fmt.Sprintf("$.apps[%q]", k)
		if w.Orgs[a.Org] == nil {
			return bad(at+".org", "organisation %q is not in $.orgs", a.Org)
		}
		if err := keysMatch(at+".secrets", "name", a.Secrets, func(x *secret) string { return x.Name }); err != nil {
			return err
		}
		if err := keysMatch(at+".certs", "hostname", a.Certs, func(c *cert) string { return c.Hostname }); err != nil {
			return err
		}
		if err := keysMatch(at+".secret_keys", "name", a.SecretKeys, func(x *secretKey) string { return x.Name }); err != nil {
			return err
		}
		for _, n := range sortedKeys(a.SecretKeys) {
			sk, kat := a.SecretKeys[n], fmt.Sprintf("%s.secret_keys[%q]", at, n)
			kt, ok := secretKeyTypes[sk.Type]
			switch {
			case !ok:
				return bad(kat+".type", "unknown secret key type %q", sk.Type)
			case kt.keyLen != 0 && len(sk.Key) != kt.keyLen, kt.keyLen == 0 && (len(sk.Key) < 16 || len(sk.Key) > 128):
				return bad(kat+".key", "%d bytes, wrong length for %s", len(sk.Key), sk.Type)
			}
		}
	}
	for _, k := range sortedKeys(w.Machines) {
		m, at := w.Machines[k], fmt.Sprintf("$.machines[%q]", k)
		switch {
		case w.Apps[m.App] == nil:
			return bad(at+".app", "app %q is not in $.apps", m.App)
		case !knownStates[m.State]:
			return bad(at+".state", "unknown machine state %q", m.State)
		case len(m.Versions) == 0:
			return bad(at+".versions", "empty: a machine has at least one version")
		case len(m.Events) == 0:
			return bad(at+".events", "empty: a machine has at least one event")
		case m.Action != "" && lifecycle[action(m.Action)] == nil:
			return bad(at+".action", "unknown action %q", m.Action)
		}
		for i, st := range m.Steps {
			if !knownStates[st] {
				return bad(fmt.Sprintf("%s.steps[%d]", at, i), "unknown machine state %q", st)
			}
		}
	}
	for _, k := range sortedKeys(w.Volumes) {
		if v := w.Volumes[k]; w.Apps[v.App] == nil {
			return bad(fmt.Sprintf("$.volumes[%q].app", k), "app %q is not in $.apps", v.App)
		}
	}
	for _, k := range sortedKeys(w.Postgres) {
		c, at := w.Postgres[k], fmt.Sprintf("$.postgres[%q]", k)
		if w.Orgs[c.Org] == nil {
			return bad(at+".org", "organisation %q is not in $.orgs", c.Org)
		}
		if err := keysMatch(at+".users", "name", c.Users, func(u *pgUser) string { return u.Name }); err != nil {
			return err
		}
	}
	return nil
}

// keysMatch checks that every object of m names itself by its key.
func keysMatch[T any](at, field string, m map[string]*T, id func(*T) string) *StateError {
	for _, k := range sortedKeys(m) {
		if got := id(m[k]); got != k {
			return &StateError{Where: fmt.Sprintf("%s[%q].%s", at, k, field), Problem: fmt.Sprintf("%q, want the key %q", got, k)}
		}
	}
	return nil
}
