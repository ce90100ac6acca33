package luadefs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/testrun"
	"github.com/flyscript/flyscript/stdlib"
)

var reference = sync.OnceValue(GenerateReference)

func TestCheckedInReferenceIsUpToDate(t *testing.T) {
	t.Parallel()
	path := filepath.Join("..", "..", filepath.FromSlash(ReferencePath))
	got, err := os.ReadFile(path)
	require.NoError(t, err, "%s is missing: run `%s`", ReferencePath, RegenerateCommand)
	if string(got) != string(reference()) {
		t.Fatalf("%s is stale (the registry changed): run `%s` and commit the result", ReferencePath, RegenerateCommand)
	}
}

// referenceSections splits the reference into function sections, by the
// name in their `### name` heading.
func referenceSections(t *testing.T, doc string) map[string]string {
	t.Helper()
	out := map[string]string{}
	parts := strings.Split(doc, "\n### ")
	for _, p := range parts[1:] {
		name, body, _ := strings.Cut(p, "\n")
		if i := strings.Index(body, "\n## "); i >= 0 {
			body = body[:i] // the end of the last function of a section
		}
		_, dup := out[name]
		require.False(t, dup, "%s documented twice", name)
		out[name] = body
	}
	return out
}

func TestReferenceDocumentsExactlyTheRegisteredFunctions(t *testing.T) {
	t.Parallel()
	sections := referenceSections(t, string(reference()))
	want := map[string]bool{}
	for _, f := range bindings.Registry() {
		want[f.Name] = true
		body, ok := sections[f.Name]
		if !assert.True(t, ok, "%s is not documented", f.Name) {
			continue
		}
		for _, op := range f.Ops {
			assert.Contains(t, body, "`"+op+"`", "%s: its REST operation", f.Name)
		}
		for _, p := range f.Params {
			assert.Contains(t, body, "| `"+p.Name, "%s: parameter %s", f.Name, p.Name)
		}
		for _, o := range f.Options() {
			row := "| `" + o.Name + "` | `" + cell(fieldType(o.Type)) + "` | "
			if o.Default != "" {
				row += "`" + o.Default + "`"
			}
			assert.Contains(t, body, row, "%s: option %s with its type and default", f.Name, o.Name)
		}
		for _, r := range f.Returns {
			assert.Contains(t, body, "`"+r.Type+"`", "%s: result %s", f.Name, r.Name)
		}
	}
	for _, f := range stdlib.Funcs() {
		want[f.Name] = true
		assert.Contains(t, sections, f.Name, "host function %s is not documented", f.Name)
	}
	for _, f := range testrun.Funcs() {
		want[f.Name] = true
		assert.Contains(t, sections, f.Name, "test-file function %s is not documented", f.Name)
	}
	for name := range sections {
		assert.True(t, want[name], "the reference documents %s, which is not registered", name)
	}
}

func TestReferenceSignaturesAreLua(t *testing.T) {
	t.Parallel()
	sections := referenceSections(t, string(reference()))
	assert.Contains(t, sections["fly.machines.stop"], "`fly.machines.stop(id, opts?)`")
	assert.Contains(t, sections["fly.machines.create"], "`fly.machines.create(body) -> machine`")
	assert.Contains(t, sections["fly.machines.wait"], "| `timeout` | `fly.Duration` | `60` |")
	assert.Contains(t, sections["fly.apps.list"], "| `org_slug` | `string` | `\"personal\"` |")
	// an enum's pipes are escaped inside the table
	assert.Contains(t, sections["fly.machines.stop"], `"SIGHUP"\|"SIGINT"`)
}

var mdLink = regexp.MustCompile(`\]\(#([^)]+)\)`)

func TestReferenceLinksResolve(t *testing.T) {
	t.Parallel()
	doc := string(reference())
	anchors := map[string]bool{}
	r := &refGen{slugs: map[string]int{}}
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "#") {
			heading := strings.TrimSpace(strings.TrimLeft(l, "#"))
			anchors[r.slug(heading)] = true
		}
	}
	links := mdLink.FindAllStringSubmatch(doc, -1)
	require.NotEmpty(t, links)
	for _, m := range links {
		assert.True(t, anchors[m[1]], "link to #%s has no heading", m[1])
	}
}

func TestReferenceHeader(t *testing.T) {
	t.Parallel()
	doc := string(reference())
	first, _, _ := strings.Cut(doc, "\n")
	assert.Contains(t, first, "DO NOT EDIT")
	assert.Contains(t, first, RegenerateCommand)
	assert.Contains(t, doc, "## Contents")
	assert.NotContains(t, doc, "<cycle>", "angle brackets in prose are escaped")
}

func TestMarkdownEscapes(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "&lt;machine id&gt; and `<raw>`", mdText("<machine id> and `<raw>`"))
	assert.Equal(t, `"a"\|"b"`, cell(`"a"|"b"`))
}
