package plan

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// diff compares two JSON objects leaf by leaf and returns what differs by
// dotted path ("guest.memory_mb", "services[0].ports[1].port"). Nil when
// nothing does.
func diff(before, after map[string]any) map[string]Delta {
	a, b := map[string]any{}, map[string]any{}
	flatten("", before, a)
	flatten("", after, b)
	out := map[string]Delta{}
	for k, v := range a {
		w, ok := b[k]
		switch {
		case !ok:
			out[k] = Delta{From: v}
		case !sameJSON(v, w):
			out[k] = Delta{From: v, To: w}
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok {
			out[k] = Delta{To: w}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// flatten writes the leaves of v under prefix into out. Empty objects and
// arrays are leaves of their own.
func flatten(prefix string, v any, out map[string]any) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && prefix != "" {
			out[prefix] = x
		}
		for k, e := range x {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, e, out)
		}
	case []any:
		if len(x) == 0 && prefix != "" {
			out[prefix] = x
		}
		for i, e := range x {
			flatten(fmt.Sprintf("%s[%d]", prefix, i), e, out)
		}
	default:
		if prefix != "" && v != nil {
			out[prefix] = v
		}
	}
}

// sameJSON compares two JSON values by their encoding, so that 256 and
// 256.0 from two decoders are the same.
func sameJSON(a, b any) bool {
	return formatValue(a) == formatValue(b)
}

// formatValue shows a value in a diff line: strings bare, anything else as
// compact JSON.
func formatValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// diffLines are the change's diff as "path: from -> to" lines, sorted by
// path; an added value reads "path: (none) -> to", a removed one
// "path: from -> (none)".
func diffLines(d map[string]Delta) []string {
	out := make([]string, 0, len(d))
	for _, k := range slices.Sorted(maps.Keys(d)) {
		e := d[k]
		from, to := "(none)", "(none)"
		if e.From != nil {
			from = formatValue(e.From)
		}
		if e.To != nil {
			to = formatValue(e.To)
		}
		out = append(out, strings.Join([]string{k, ": ", from, " -> ", to}, ""))
	}
	return out
}
