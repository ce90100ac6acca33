package client

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/flyscript/flyscript/internal/openapi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiLines parses the package's Go files and returns, for each exported
// method, the operations named by its "API: METHOD /path" doc lines, keyed
// "Type.Method".
func apiLines(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	out := map[string][]string{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		require.NoError(t, err)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			key := recv.(*ast.Ident).Name + "." + fn.Name.Name
			if fn.Doc == nil {
				continue
			}
			for _, c := range fn.Doc.List {
				if op, ok := strings.CutPrefix(c.Text, "// API: "); ok {
					out[key] = append(out[key], strings.TrimSpace(op))
				}
			}
		}
	}
	return out
}

// TestEveryOperationHasAMethod holds the methods' "API:" lines against the
// embedded document: every operation has a method, and every line names an
// operation of the document.
func TestEveryOperationHasAMethod(t *testing.T) {
	t.Parallel()
	ops, err := openapi.Operations()
	require.NoError(t, err)
	lines := apiLines(t)
	known := map[string]bool{}
	for _, o := range ops {
		known[o.Key()] = true
	}
	covered := map[string][]string{}
	for method, ls := range lines {
		assert.Len(t, ls, 1, "%s has more than one API line", method)
		for _, l := range ls {
			assert.True(t, known[l], "%s names %q, which the document lacks", method, l)
			covered[l] = append(covered[l], method)
		}
	}
	var missing []string
	for _, o := range ops {
		if len(covered[o.Key()]) == 0 {
			missing = append(missing, o.Key())
		}
	}
	assert.Empty(t, missing, "operations without a method")
	t.Logf("%d of %d operations have a method", len(ops)-len(missing), len(ops))
	assert.Len(t, ops, 100)
}

// TestEveryServiceMethodSendsItsOperation calls every exported method of
// every service against a recording server and checks that the request
// sent is the operation its API line names.
func TestEveryServiceMethodSendsItsOperation(t *testing.T) {
	t.Parallel()
	lines := apiLines(t)
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		jsonReply(200, `{}`)(w, r)
	})
	c, _ := newTestClient(t, s, WithoutRateLimits(), WithRetryPolicy(NoRetries))
	cv := reflect.ValueOf(c).Elem()
	ctxType := reflect.TypeFor[context.Context]()
	called := 0
	for i := range cv.NumField() {
		f := cv.Field(i)
		if !cv.Type().Field(i).IsExported() || f.Kind() != reflect.Pointer || !strings.HasSuffix(f.Elem().Type().Name(), "Service") {
			continue
		}
		svc := f.Type()
		for m := range svc.NumMethod() {
			meth := svc.Method(m)
			key := svc.Elem().Name() + "." + meth.Name
			ls := lines[key]
			if !assert.Len(t, ls, 1, "%s has no API line", key) {
				continue
			}
			want := ls[0]
			args := []reflect.Value{f}
			n := 0
			for a := 1; a < meth.Type.NumIn(); a++ {
				in := meth.Type.In(a)
				switch {
				case in == ctxType:
					args = append(args, reflect.ValueOf(t.Context()))
				case in.Kind() == reflect.String:
					n++
					args = append(args, reflect.ValueOf("p"+string(rune('0'+n))).Convert(in))
				case in.Kind() == reflect.Int:
					args = append(args, reflect.ValueOf(7))
				default:
					args = append(args, reflect.Zero(in))
				}
			}
			before := len(s.Requests())
			meth.Func.Call(args)
			reqs := s.Requests()
			if !assert.Greater(t, len(reqs), before, "%s sent nothing", key) {
				continue
			}
			got := reqs[before]
			method, pattern, _ := strings.Cut(want, " ")
			assert.Equal(t, method, got.Method, key)
			assert.Regexp(t, patternRegexp(pattern), got.Path, "%s: %s", key, want)
			called++
		}
	}
	assert.GreaterOrEqual(t, called, 100)
}

var placeholder = regexp.MustCompile(`\\\{[a-z_]+\\\}`)

// patternRegexp matches the concrete paths of a pattern.
func patternRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile("^" + placeholder.ReplaceAllString(regexp.QuoteMeta(pattern), `[^/]+`) + "$")
}

func TestAPILinesNameEveryServiceMethod(t *testing.T) {
	t.Parallel()
	lines := apiLines(t)
	var names []string
	for k := range lines {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		assert.True(t, strings.Contains(n, "Service."), "API line on %s, which is not a service method", n)
	}
}
