package sim

import (
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// createBody is a machine create with 1 KB of metadata.
var createBody = `{"region":"ord","config":{"image":"nginx:1.27","metadata":{"pad":"` + strings.Repeat("p", 1024) + `"}}}`

func benchCreate(b *testing.B, s *Server) {
	r := httptest.NewRequest("POST", "/v1/apps/web/machines", strings.NewReader(createBody))
	r.Header.Set("Authorization", "Bearer sim")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	if rec.Code != 200 {
		b.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
}

// BenchmarkStateCreate is one machine create (1 KB of metadata, synced to
// the state file) in a simulator that already holds 100, 1,000 or 10,000
// machines. The machines before the measure are made without fsync.
//
//	go test ./sim -run '^$' -bench BenchmarkStateCreate -benchtime 200x
func BenchmarkStateCreate(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("machines=%d", n), func(b *testing.B) {
			s := New(WithStateFile(filepath.Join(b.TempDir(), "state.json")), WithTimings(InstantTimings()), withoutSync())
			s.w.Apps["web"] = s.newApp("web", "personal", "", s.clock.Now())
			s.touch(kindApp, "web")
			for range n {
				benchCreate(b, s)
			}
			s.store.sync = true
			b.ResetTimer()
			for range b.N {
				benchCreate(b, s)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "creates/s")
			s.Close() // folds the journal into the snapshot: not part of a create
		})
	}
}

// BenchmarkStateCreateRun creates 2,000 machines (1 KB of metadata each)
// one after the other and reports the mean cost of the first 200 and of the
// last 200 creates: with every write synced (what a user meets) and without
// fsync (the simulator's own work, without the disk's noise).
//
//	go test ./sim -run '^$' -bench BenchmarkStateCreateRun -benchtime 1x
func BenchmarkStateCreateRun(b *testing.B) {
	for _, sync := range []bool{true, false} {
		b.Run(fmt.Sprintf("fsync=%t", sync), func(b *testing.B) {
			opts := []Option{WithStateFile(filepath.Join(b.TempDir(), "state.json")), WithTimings(InstantTimings())}
			if !sync {
				opts = append(opts, withoutSync())
			}
			for range b.N {
				createRun(b, New(opts...))
			}
		})
	}
}

func createRun(b *testing.B, s *Server) {
	r := httptest.NewRequest("POST", "/v1/apps", strings.NewReader(`{"app_name":"web","org_slug":"personal"}`))
	r.Header.Set("Authorization", "Bearer sim")
	s.ServeHTTP(httptest.NewRecorder(), r)
	var first, last time.Duration
	for i := range 2000 {
		start := time.Now()
		benchCreate(b, s)
		switch d := time.Since(start); {
		case i < 200:
			first += d
		case i >= 1800:
			last += d
		}
	}
	s.Close()
	b.ReportMetric(float64(first.Microseconds())/200/1000, "first200-ms/create")
	b.ReportMetric(float64(last.Microseconds())/200/1000, "last200-ms/create")
}
