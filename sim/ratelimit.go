package sim

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The documented limits (fly.io/docs/machines/api/working-with-machines-api):
// per action and per machine or app, 1 request/s with bursts of 3; Get
// Machine 5/s with bursts of 10; app deletions 100 per minute.
//
// An action is the operation (method and path pattern as the document writes
// it); the identifier is the machine id when the path has one, else the app
// name, else none (one bucket per action).
const (
	getMachinePattern = "GET /v1/apps/{app_name}/machines/{machine_id}"
	deleteAppPattern  = "DELETE /v1/apps/{app_name}"
)

// bucketFor returns the rate and burst of an action.
func bucketFor(pattern string) (rate.Limit, int) {
	switch pattern {
	case getMachinePattern:
		return 5, 10
	case deleteAppPattern:
		return rate.Limit(100.0 / 60.0), 100
	}
	return 1, 3
}

type limiter struct {
	on      bool
	mu      sync.Mutex
	buckets map[[2]string]*rate.Limiter
}

func newLimiter(on bool) *limiter {
	return &limiter{on: on, buckets: map[[2]string]*rate.Limiter{}}
}

// allow takes a token for (pattern, id) at now; when none is left it
// reports how long until one is.
func (l *limiter) allow(pattern, id string, now time.Time) (bool, time.Duration) {
	if !l.on {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	k := [2]string{pattern, id}
	b := l.buckets[k]
	if b == nil {
		lim, burst := bucketFor(pattern)
		b = rate.NewLimiter(lim, burst)
		l.buckets[k] = b
	}
	r := b.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
