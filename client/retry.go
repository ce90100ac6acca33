package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// RetryPolicy bounds the retries of one call. Zero fields take the
// defaults of DefaultRetryPolicy; MaxAttempts 1 turns retries off.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included (default 5).
	MaxAttempts int
	// BaseDelay is the backoff before the second attempt (default 200ms);
	// it doubles with each attempt, and each delay is drawn uniformly from
	// zero to that value (full jitter).
	BaseDelay time.Duration
	// MaxDelay caps one backoff (default 10s). A longer Retry-After is
	// still honoured, within MaxElapsed.
	MaxDelay time.Duration
	// MaxElapsed bounds the whole call, retries and waits included
	// (default 2m): a retry that would start later is not made.
	MaxElapsed time.Duration
}

// DefaultRetryPolicy returns the policy clients use unless told otherwise.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 200 * time.Millisecond, MaxDelay: 10 * time.Second, MaxElapsed: 2 * time.Minute}
}

// NoRetries is a RetryPolicy that makes every call once.
var NoRetries = RetryPolicy{MaxAttempts: 1}

func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = d.MaxElapsed
	}
	return p
}

// WithRetryPolicy sets the retry bounds (see RetryPolicy).
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		c.retry = p.withDefaults()
		return nil
	}
}

// backoff is the delay after attempt n (from 1): full jitter over an
// exponentially growing cap. r is uniform in [0, 1).
func (p RetryPolicy) backoff(n int, r float64) time.Duration {
	ceiling := p.BaseDelay
	for i := 1; i < n && ceiling < p.MaxDelay; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.MaxDelay)
	return time.Duration(r * float64(ceiling))
}

// jitter returns a uniform number in [0, 1).
func (c *Client) jitter() float64 {
	if c.rand != nil {
		return c.rand()
	}
	return rand.Float64()
}

// verdict is what retryable decides about a failed attempt.
type verdict int

const (
	// noRetry: the failure is final.
	noRetry verdict = iota
	// retryNow: the same request may be sent again.
	retryNow
	// outcomeUnknown: a non-idempotent request may or may not have taken
	// effect; it must not be repeated blindly.
	outcomeUnknown
)

func (v verdict) String() string {
	return [...]string{"noRetry", "retryNow", "outcomeUnknown"}[v]
}

// idempotent reports whether repeating method is harmless.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// retryableStatus lists the statuses worth another attempt.
func retryableStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryable is the one retry predicate. status is the HTTP status (0 when no
// response came), err the transport error (nil with a status), sent whether
// the request was written to the connection.
//
// Idempotent methods retry on transient transport errors and on 408, 429,
// 502, 503, 504. Other methods (POST, PATCH) retry only when the request
// provably was not processed: a 429, or a transport error before the request
// was written (a refused or failed dial). When such a request was sent and no
// clear answer came (a transport error after writing, 408, 502, 503, 504)
// the outcome is unknown.
func retryable(method string, status int, err error, sent bool) verdict {
	if status != 0 {
		if !retryableStatus(status) {
			return noRetry
		}
		if idempotent(method) || status == http.StatusTooManyRequests {
			return retryNow
		}
		return outcomeUnknown
	}
	if err == nil || !transientTransport(err) {
		return noRetry
	}
	if idempotent(method) || !sent || notProcessed(err) {
		return retryNow
	}
	return outcomeUnknown
}

// transientTransport reports whether a transport error may go away: not a
// cancellation, a certificate problem or a name that does not exist.
func transientTransport(err error) bool {
	var tp *transportPanic
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &tp) {
		return false
	}
	if perm, ok := errors.AsType[permanent](err); ok && perm.Permanent() {
		return false
	}
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	if strings.Contains(err.Error(), "unsupported protocol scheme") {
		return false
	}
	return true
}

// notProcessed reports whether a transport error proves the server never
// received the request: the connection was never made.
func notProcessed(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}
