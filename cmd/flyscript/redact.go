package main

import (
	"io"
	"sort"
	"strings"
	"sync"
)

// redacted is what a secret is replaced with.
const redacted = "[REDACTED]"

// redactor replaces secrets in text. Every byte the command writes goes
// through one (belt and braces: nothing is meant to print the token).
type redactor struct {
	r *strings.Replacer // nil when there is nothing to hide
}

// newRedactor hides each token and each of its comma-separated parts (a
// FlyV1 token is a list of macaroons); parts shorter than 8 characters
// would scrub innocent text and are left alone.
func newRedactor(tokens ...string) *redactor {
	var secrets []string
	for _, token := range tokens {
		secrets = append(secrets, secretsOf(token)...)
	}
	if len(secrets) == 0 {
		return &redactor{}
	}
	// Longest first, so the whole token is replaced before its parts.
	sort.Slice(secrets, func(i, j int) bool { return len(secrets[i]) > len(secrets[j]) })
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		pairs = append(pairs, s, redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...)}
}

// secretsOf lists the strings of one token that must never be printed.
func secretsOf(token string) []string {
	token = strings.TrimSpace(token)
	if len(token) < 8 {
		return nil
	}
	secrets := []string{token}
	rest := token
	for _, scheme := range []string{"FlyV1 ", "Bearer "} {
		if len(rest) >= len(scheme) && strings.EqualFold(rest[:len(scheme)], scheme) {
			rest = strings.TrimSpace(rest[len(scheme):])
		}
	}
	for _, part := range strings.Split(rest, ",") {
		if part = strings.TrimSpace(part); len(part) >= 8 {
			secrets = append(secrets, part)
		}
	}
	return secrets
}

// String returns s with every secret replaced.
func (r *redactor) String(s string) string {
	if r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Writer wraps w so that everything written through it is redacted. The
// wrapper is safe for concurrent use (trace lines may come from several
// goroutines).
func (r *redactor) Writer(w io.Writer) io.Writer {
	return &redactingWriter{r: r, w: w}
}

type redactingWriter struct {
	mu sync.Mutex
	r  *redactor
	w  io.Writer
}

// Write writes p redacted and reports len(p) on success, as callers expect
// of a writer that may change the length of what it passes on.
func (w *redactingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.r.r == nil {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, w.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
