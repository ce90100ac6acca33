package sim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults are the shares (0 to 1) of requests that fail on purpose. Every
// request draws once from the seeded source (WithSeed), in arrival order, so
// a client that sends the same requests one after the other meets the same
// faults on every run.
//
// Status faults are answered before the request is processed: nothing
// changed. Resets come in the two kinds a client cannot tell apart:
// ResetBefore drops the connection before processing (nothing changed) and
// ResetAfter processes the request fully and then drops the connection
// instead of answering (the change happened, the answer is lost).
type Faults struct {
	Error500    float64 // 500 {"error": "injected fault: ..."}
	Error502    float64 // 502
	Error503    float64 // 503
	Error429    float64 // 429 with Retry-After: 1
	ResetBefore float64 // TCP reset, request not processed
	ResetAfter  float64 // TCP reset, request processed
}

func (f Faults) total() float64 {
	return f.Error500 + f.Error502 + f.Error503 + f.Error429 + f.ResetBefore + f.ResetAfter
}

// ParseFaults reads the --faults syntax: comma-separated `kind=share` with
// kind one of 500, 502, 503, 429, reset (split evenly between reset-before
// and reset-after), reset-before, reset-after. Example:
// "503=0.1,429=0.05,reset=0.05".
func ParseFaults(spec string) (Faults, error) {
	var f Faults
	if strings.TrimSpace(spec) == "" {
		return f, nil
	}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return f, fmt.Errorf("fault %q: want kind=share, e.g. 503=0.1", part)
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(x >= 0 && x <= 1) { // NaN is neither

			return f, fmt.Errorf("fault %q: share must be a number from 0 to 1", part)
		}
		switch strings.TrimSpace(k) {
		case "500":
			f.Error500 += x
		case "502":
			f.Error502 += x
		case "503":
			f.Error503 += x
		case "429":
			f.Error429 += x
		case "reset":
			f.ResetBefore += x / 2
			f.ResetAfter += x / 2
		case "reset-before":
			f.ResetBefore += x
		case "reset-after":
			f.ResetAfter += x
		default:
			return f, fmt.Errorf("fault %q: unknown kind %q (want 500, 502, 503, 429, reset, reset-before, reset-after)", part, k)
		}
	}
	if f.total() > 1 {
		return f, fmt.Errorf("faults %q: shares add up to more than 1", spec)
	}
	return f, nil
}

// String gives the faults in the --faults syntax.
func (f Faults) String() string {
	var parts []string
	add := func(k string, v float64) {
		if v > 0 {
			parts = append(parts, k+"="+strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	add("500", f.Error500)
	add("502", f.Error502)
	add("503", f.Error503)
	add("429", f.Error429)
	add("reset-before", f.ResetBefore)
	add("reset-after", f.ResetAfter)
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

type faultKind int

const (
	faultNone faultKind = iota
	faultStatus
	faultResetBefore
	faultResetAfter
)

type fault struct {
	kind   faultKind
	status int
}

type faultInjector struct {
	f   Faults
	mu  sync.Mutex
	rng *rand.Rand
}

func newFaultInjector(f Faults, seed int64) *faultInjector {
	return &faultInjector{f: f, rng: rand.New(rand.NewPCG(uint64(seed)+0x5eed, 0xfa17))}
}

// draw decides the fate of one request.
func (fi *faultInjector) draw() fault {
	if fi.f.total() <= 0 {
		return fault{}
	}
	fi.mu.Lock()
	u := fi.rng.Float64()
	fi.mu.Unlock()
	for _, c := range []struct {
		p float64
		f fault
	}{
		{fi.f.Error500, fault{faultStatus, http.StatusInternalServerError}},
		{fi.f.Error502, fault{faultStatus, http.StatusBadGateway}},
		{fi.f.Error503, fault{faultStatus, http.StatusServiceUnavailable}},
		{fi.f.Error429, fault{faultStatus, http.StatusTooManyRequests}},
		{fi.f.ResetBefore, fault{kind: faultResetBefore}},
		{fi.f.ResetAfter, fault{kind: faultResetAfter}},
	} {
		if u < c.p {
			return c.f
		}
		u -= c.p
	}
	return fault{}
}

// latency draws mean ± jitter, never below zero.
func (fi *faultInjector) latency(mean, jitter time.Duration) time.Duration {
	d := mean
	if jitter > 0 {
		fi.mu.Lock()
		d += time.Duration((fi.rng.Float64()*2 - 1) * float64(jitter))
		fi.mu.Unlock()
	}
	return max(d, 0)
}
