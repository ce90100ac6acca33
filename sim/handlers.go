package sim

import "net/http"

// Handler adapters. Every handler of the API opens the same way: take s.mu,
// look the request's target up (the app, the machine, the volume, ...) and
// answer 404 or 403 when there is none. The adapters do that opening, so a
// handler holds only its own logic:
//
//	func (s *Server) showVolume(w http.ResponseWriter, r *http.Request) {
//		s.withVolume(w, r, func(_ *app, v *volume) {
//			writeJSON(w, http.StatusOK, volumeView(v))
//		})
//	}
//
// What a handler checks before the lookup (its body, its query) stays before
// the adapter's call, so a bad request is a 400 whatever the target. A
// change ends with commitAnswer, which marks the state changed (journalled and
// announced to waiters) and answers.

// under runs fn with the target find looks up, both under s.mu. find answers
// the 404 or 403 itself and returns a nil x when there is no target.
func under[X any](s *Server, find func() *X, fn func(x *X)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if x := find(); x != nil {
		fn(x)
	}
}

// under2 is under for a target found within another (a machine within its
// app): fn gets both.
func under2[P, X any](s *Server, find func() (P, *X), fn func(p P, x *X)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, x := find(); x != nil {
		fn(p, x)
	}
}

// withApp runs fn with the request's app ({app_name}).
func (s *Server) withApp(w http.ResponseWriter, r *http.Request, fn func(a *app)) {
	under(s, func() *app { return s.appFor(w, r) }, fn)
}

// withOrg runs fn with the organisation slug names.
func (s *Server) withOrg(w http.ResponseWriter, slug string, fn func(o *orgState)) {
	under(s, func() *orgState { return s.orgFor(w, slug) }, fn)
}

// withMachine runs fn with the request's machine ({machine_id}), destroyed
// ones included.
func (s *Server) withMachine(w http.ResponseWriter, r *http.Request, fn func(a *app, m *machine)) {
	under2(s, func() (*app, *machine) { return s.machineFor(w, r) }, fn)
}

// withLiveMachine is withMachine for a machine that is not destroyed.
func (s *Server) withLiveMachine(w http.ResponseWriter, r *http.Request, fn func(a *app, m *machine)) {
	under2(s, func() (*app, *machine) { return s.liveMachineFor(w, r) }, fn)
}

// withLeasedMachine is withLiveMachine for the operations a lease guards
// (the lease's nonce is required when the machine has one).
func (s *Server) withLeasedMachine(w http.ResponseWriter, r *http.Request, fn func(a *app, m *machine)) {
	under2(s, func() (*app, *machine) { return s.leasedMachineFor(w, r) }, fn)
}

// withStartedMachine is withMachine for a started machine (412 otherwise).
func (s *Server) withStartedMachine(w http.ResponseWriter, r *http.Request, fn func(m *machine)) {
	under(s, func() *machine { return s.startedMachineFor(w, r) }, fn)
}

// withLease runs fn with the request's live machine and its lease.
func (s *Server) withLease(w http.ResponseWriter, r *http.Request, fn func(m *machine, l *lease)) {
	under2(s, func() (*machine, *lease) { return s.leaseFor(w, r) }, fn)
}

// withVolume runs fn with the request's volume ({volume_id}).
func (s *Server) withVolume(w http.ResponseWriter, r *http.Request, fn func(a *app, v *volume)) {
	under2(s, func() (*app, *volume) { return s.volumeFor(w, r) }, fn)
}

// withCert runs fn with the request's certificate ({hostname}).
func (s *Server) withCert(w http.ResponseWriter, r *http.Request, fn func(a *app, c *cert)) {
	under2(s, func() (*app, *cert) { return s.certFor(w, r) }, fn)
}

// withCertApp runs fn with the request's app when no other app has a
// certificate for host.
func (s *Server) withCertApp(w http.ResponseWriter, r *http.Request, host string, fn func(a *app)) {
	under(s, func() *app { return s.certAppFor(w, r, host) }, fn)
}

// withSecretKey runs fn with the request's secret key ({secret_name}).
func (s *Server) withSecretKey(w http.ResponseWriter, r *http.Request, fn func(a *app, k *secretKey)) {
	under2(s, func() (*app, *secretKey) { return s.secretKeyFor(w, r) }, fn)
}

// withPG runs fn with the request's Postgres cluster
// ({postgres_cluster_id}).
func (s *Server) withPG(w http.ResponseWriter, r *http.Request, fn func(c *pgCluster)) {
	under(s, func() *pgCluster { return s.pgFor(w, r) }, fn)
}

// withReadyPG is withPG for a cluster whose admin service is up (503 with
// Retry-After otherwise).
func (s *Server) withReadyPG(w http.ResponseWriter, r *http.Request, fn func(c *pgCluster)) {
	under(s, func() *pgCluster { return s.pgReadyFor(w, r) }, fn)
}

// withPGDatabase runs fn with the request's ready cluster and database
// ({database_name}).
func (s *Server) withPGDatabase(w http.ResponseWriter, r *http.Request, fn func(c *pgCluster, db string)) {
	under2(s, func() (string, *pgCluster) { c, db := s.pgDatabase(w, r); return db, c },
		func(db string, c *pgCluster) { fn(c, db) })
}

// withPGUser runs fn with the request's ready cluster and user ({username}).
func (s *Server) withPGUser(w http.ResponseWriter, r *http.Request, fn func(c *pgCluster, u *pgUser)) {
	under2(s, func() (*pgCluster, *pgUser) { return s.pgUserFor(w, r) }, fn)
}

// commitAnswer ends a handler that changed the state: the change is marked (the
// journal writes it, waiters wake) and v is answered with code as JSON, or
// code alone when v is nil.
func (s *Server) commitAnswer(w http.ResponseWriter, code int, v any) {
	s.commit()
	if v == nil {
		writeEmpty(w, code)
		return
	}
	writeJSON(w, code, v)
}

// collect returns the values of m that keep accepts, in no order (a list
// handler sorts or paginates them).
func collect[K comparable, V any](m map[K]V, keep func(V) bool) []V {
	var out []V
	for _, v := range m {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
