package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// simClients is how many goroutines per GOMAXPROCS send requests in
// BenchmarkSimThroughput (b.SetParallelism): 16 on 2 cores, 32 in all.
const simClients = 16

// BenchmarkSimThroughput is measurement 8: Get Machine requests per second
// that the simulator answers (req/s), from 32 goroutines at once. With
// impl=loopback they are plain net/http clients over 127.0.0.1 (keeping a
// connection each), so the clients' and the server's HTTP stacks share the
// machine's cores with the simulator; impl=handler calls its ServeHTTP
// directly, the simulator alone. Rate limits off, no latency.
func BenchmarkSimThroughput(b *testing.B) {
	srv := startSim(b)
	id := fleet(b, newClient(b, srv.URL), 1)[0]
	path := "/v1/apps/" + benchApp + "/machines/" + id

	b.Run("impl=loopback", func(b *testing.B) {
		hc := plainHTTPClient(4 * simClients)
		b.SetParallelism(simClients)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := plainGet(hc, srv.URL+path); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
	b.Run("impl=handler", func(b *testing.B) {
		h := srv.Server
		b.SetParallelism(simClients)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Authorization", "Bearer "+benchToken)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Errorf("GET %s: %d %s", path, w.Code, w.Body)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})
}
