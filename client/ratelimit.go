package client

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is one token bucket: Rate requests per second on average, Burst at
// once.
type Limit struct {
	// Rate is the sustained number of requests per second.
	Rate float64
	// Burst is the number of requests allowed at once.
	Burst int
}

// RateLimits are the client-side token buckets, after the documented API
// limits. Each bucket is keyed by the action (method and path pattern) and
// the identifier: the machine_id when the pattern has one, else the
// app_name, else none (one bucket for the action).
type RateLimits struct {
	// Default applies to every action not named below (documented: 1/s,
	// bursts of 3).
	Default Limit
	// GetMachine applies to GET /v1/apps/{app_name}/machines/{machine_id}
	// (documented: 5/s, bursts of 10).
	GetMachine Limit
	// AppDelete applies to DELETE /v1/apps/{app_name}: 100 per minute.
	AppDelete Limit
	// Actions overrides the limit of single actions, keyed
	// "METHOD /pattern" as the document writes it.
	Actions map[string]Limit
}

// DefaultRateLimits returns the documented limits with one request of
// headroom under each documented burst (1/s with bursts of 2, Get Machine
// 5/s with bursts of 9, app deletes 100/min with bursts of 99). The server's
// bucket refills from when it sees a request, which is later than when we
// sent it and by a varying amount; the spare token absorbs that jitter, so a
// paced client never draws a 429 from a server that enforces the documented
// limits exactly.
func DefaultRateLimits() RateLimits {
	return RateLimits{
		Default:    Limit{Rate: 1, Burst: 2},
		GetMachine: Limit{Rate: 5, Burst: 9},
		AppDelete:  Limit{Rate: 100.0 / 60, Burst: 99},
	}
}

// Operation patterns with limits of their own.
const (
	getMachineAction = "GET /v1/apps/{app_name}/machines/{machine_id}"
	appDeleteAction  = "DELETE /v1/apps/{app_name}"
)

// For returns the limit of an action ("METHOD /pattern").
func (l RateLimits) For(action string) Limit {
	if lim, ok := l.Actions[action]; ok {
		return lim
	}
	switch action {
	case getMachineAction:
		return l.GetMachine
	case appDeleteAction:
		return l.AppDelete
	}
	return l.Default
}

// RateLimitKey returns the bucket key of a request: its action
// ("METHOD /pattern") and identifier (machine_id, else app_name, else "").
func RateLimitKey(method, pattern string, params map[string]string) (action, id string) {
	id = params["machine_id"]
	if id == "" {
		id = params["app_name"]
	}
	return method + " " + pattern, id
}

// WithRateLimits replaces the client-side rate limits. Zero fields of the
// three named limits take their defaults.
func WithRateLimits(l RateLimits) Option {
	return func(c *Client) error {
		d := DefaultRateLimits()
		if l.Default == (Limit{}) {
			l.Default = d.Default
		}
		if l.GetMachine == (Limit{}) {
			l.GetMachine = d.GetMachine
		}
		if l.AppDelete == (Limit{}) {
			l.AppDelete = d.AppDelete
		}
		for _, lim := range append([]Limit{l.Default, l.GetMachine, l.AppDelete}, mapValues(l.Actions)...) {
			if lim.Rate <= 0 || lim.Burst <= 0 {
				return fmt.Errorf("client: rate limit %+v: rate and burst must be positive", lim)
			}
		}
		c.limits = newLimiter(l)
		return nil
	}
}

// WithoutRateLimits turns client-side rate limiting off.
func WithoutRateLimits() Option {
	return func(c *Client) error {
		c.limits = nil
		return nil
	}
}

func mapValues(m map[string]Limit) []Limit {
	out := make([]Limit, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// limiter holds one token bucket per (action, identifier).
type limiter struct {
	limits  RateLimits
	mu      sync.Mutex
	buckets map[bucketKey]*rate.Limiter
}

type bucketKey struct{ action, id string }

// maxBuckets bounds the map; beyond it full (idle) buckets are dropped.
const maxBuckets = 4096

func newLimiter(l RateLimits) *limiter {
	return &limiter{limits: l, buckets: map[bucketKey]*rate.Limiter{}}
}

func (l *limiter) bucket(action, id string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	k := bucketKey{action, id}
	b, ok := l.buckets[k]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			for key, old := range l.buckets {
				if old.TokensAt(now) >= float64(old.Burst()) {
					delete(l.buckets, key)
				}
			}
		}
		lim := l.limits.For(action)
		b = rate.NewLimiter(rate.Limit(lim.Rate), lim.Burst)
		l.buckets[k] = b
	}
	return b
}

// wait blocks until the request's bucket allows it, or ctx ends. A nil
// limiter allows everything. paced, when set, hears of every pause first.
func (l *limiter) wait(ctx context.Context, clk Clock, method, pattern string, params map[string]string, paced func(time.Duration)) error {
	if l == nil {
		return ctx.Err()
	}
	if method == http.MethodHead || method == http.MethodOptions {
		return ctx.Err()
	}
	action, id := RateLimitKey(method, pattern, params)
	now := clk.Now()
	r := l.bucket(action, id, now).ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limit of %s cannot allow one request", action)
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return ctx.Err()
	}
	if paced != nil {
		paced(d)
	}
	if err := clk.Sleep(ctx, d); err != nil {
		r.CancelAt(clk.Now())
		return err
	}
	return nil
}
