package main

import (
	"io"
	"strings"
	"sync"

	"github.com/flyscript/flyscript/internal/secret"
)

// redactor replaces secrets in text. Every byte the command writes goes
// through one (belt and braces: nothing is meant to print the token).
type redactor struct {
	s *secret.Scrubber // empty when there is nothing to hide
}

// newRedactor hides each token, each of its comma-separated parts (a
// FlyV1 token is a list of macaroons) and any run of 16 or more of their
// characters (see package internal/secret); parts shorter than 8
// characters would scrub innocent text and are left alone.
func newRedactor(tokens ...string) *redactor {
	var secrets []string
	for _, token := range tokens {
		secrets = append(secrets, secretsOf(token)...)
	}
	return &redactor{s: secret.New(secrets...)}
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
func (r *redactor) String(s string) string { return r.s.Scrub(s) }

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
	if w.r.s.Empty() {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, w.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
