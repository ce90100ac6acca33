package client

import (
	"net/url"
	"strings"
	"sync"

	"github.com/flyscript/flyscript/internal/openapi"
)

// resolve returns the pattern, path parameters and query of req. A pattern
// with a query string has it moved to the query; a concrete path without
// Params is matched against the document's operations so that rate limits
// and errors name the operation.
func resolve(method string, req *Request) (string, map[string]string, url.Values) {
	pattern, params, query := req.Pattern, req.Params, req.Query
	if i := strings.IndexByte(pattern, '?'); i >= 0 {
		extra, _ := url.ParseQuery(pattern[i+1:])
		pattern = pattern[:i]
		merged := url.Values{}
		for k, v := range query {
			merged[k] = append(merged[k], v...)
		}
		for k, v := range extra {
			merged[k] = append(merged[k], v...)
		}
		query = merged
	}
	if len(params) == 0 && strings.HasPrefix(pattern, "/") && !strings.Contains(pattern, "{") {
		if p, ps, ok := matchOperation(method, pattern); ok {
			return p, ps, query
		}
	}
	return pattern, params, query
}

type opPattern struct {
	method   string
	pattern  string
	segments []string
	literals int
}

var (
	patternsOnce sync.Once
	patterns     []opPattern
)

// matchOperation finds the operation whose pattern matches a concrete path,
// preferring the one with the most literal segments. The document is decoded
// on the first call only.
func matchOperation(method, path string) (string, map[string]string, bool) {
	patternsOnce.Do(func() {
		ops, err := openapi.Operations()
		if err != nil {
			return
		}
		for _, o := range ops {
			segs := strings.Split(strings.Trim(o.Path, "/"), "/")
			lit := 0
			for _, s := range segs {
				if !strings.HasPrefix(s, "{") {
					lit++
				}
			}
			patterns = append(patterns, opPattern{o.Method, o.Path, segs, lit})
		}
	})
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best := -1
	var bestParams map[string]string
	for i, p := range patterns {
		if p.method != method || len(p.segments) != len(segs) || p.literals <= bestLiterals(best) {
			continue
		}
		params := map[string]string{}
		ok := true
		for j, s := range p.segments {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				v, err := url.PathUnescape(segs[j])
				if err != nil || v == "" {
					ok = false
					break
				}
				params[s[1:len(s)-1]] = v
			} else if s != segs[j] {
				ok = false
				break
			}
		}
		if ok {
			best, bestParams = i, params
		}
	}
	if best < 0 {
		return "", nil, false
	}
	return patterns[best].pattern, bestParams, true
}

func bestLiterals(i int) int {
	if i < 0 {
		return -1
	}
	return patterns[i].literals
}
