// Package sim is a simulator of the Fly.io Machines API: an http.Handler
// that answers every operation of the embedded OpenAPI document
// (internal/openapi) with the real API's status codes, bodies and quirks,
// from state held in memory. `flyscript --sim` runs scripts against it
// in-process, `flyscript sim` serves it to any client (curl, fly-go through
// FLY_FLAPS_BASE_URL, your own code), and the project's tests run against it.
//
//	s := sim.New()                       // an http.Handler; s.Close() stops its timers
//	srv, err := sim.Start()              // the same on 127.0.0.1:<free port>
//	c, err := client.New(client.WithBaseURL(srv.URL), client.WithToken("sim"))
//
// Where the real API and its document differ, the simulator does what the
// real API does (shared/notes/machines-api.md lists the differences). Where
// the real behaviour is unknown, the simulator makes a choice, listed below
// under "Choices". docs/sim-fidelity.md records runs of fly-go's flaps
// client against it and what they found.
//
// # Options and defaults
//
//   - WithClock: the wall clock by default. Tests pass a *FakeClock
//     (NewFakeClock; Advance, Set, BlockUntil), so no real time passes.
//   - WithTimings: DefaultTimings, a few hundred milliseconds per step
//     (launch 100 ms shown as `created`, then `starting` 300 ms; stopping
//     300 ms; suspending 300 ms; restarting 400 ms; replacing 400 ms;
//     destroying 200 ms; snapshot 500 ms; Postgres cluster 2 s, backup 1 s).
//     InstantTimings makes every transition happen inside its request.
//   - WithRateLimits: OFF by default in the library (tests and `flyscript
//     --sim` get no 429 they did not ask for); `flyscript sim` turns them on
//     unless --rate-limits=off.
//   - WithFaults, WithLatency: no faults and no latency by default.
//   - WithToken: by default any token is accepted, but an Authorization
//     header (`Bearer <token>` or `FlyV1 <token>`) is always required.
//   - WithStateFile: no persistence by default.
//   - WithAllowedHosts: New answers any Host header; Listen and Start only
//     loopback hosts, `localhost` and the host they listen on (against DNS
//     rebinding), plus the hosts given.
//   - WithOrgs: only `personal`, of which the caller is a member.
//   - WithSeed: seed 1.
//   - WithAdmin: off. On, the admin endpoint under AdminPrefix (/_sim/)
//     answers; off, it answers 403.
//
// # Test controls
//
// Server.Control gives tests of scripts (`flyscript test`) and the admin
// endpoint (`flyscript sim --admin`) what they need: Advance moves a
// FakeClock or ShiftClock forward; Fail makes the next requests of an
// operation, named by its operationId, fail with a status, a dropped
// connection or a delay, a number of times, optionally for one machine
// only; Record and Requests keep and read the log of the requests answered
// (operationId, method, path, status, body); DriveClock makes machine
// waits and injected delays move a FakeClock instead of blocking on it
// (virtual time).
//
// # Seeding
//
// SeedApp, SeedMachine, SeedLease, SeedVolume, SeedSecrets,
// SeedCertificate, SeedIPs and SeedOrganization insert objects as another
// Machines API showed them (the Seed* types decode its JSON), so that the
// simulator can stand in for it: `flyscript plan` seeds a shadow with what
// a script reads from production. Seeding never overwrites an object the
// simulator has; a seeded lease gets a nonce nobody knows, secret values are
// never seeded, and a machine caught in a transition is seeded in the state
// it leads to (seed.go).
//
// # What is simulated
//
// Every response carries `fly-request-id`. Errors are `{"error": "...",
// "status": "..."}`, with status only where the real API sets one of its
// codes (422 `name_taken`); Managed Postgres errors are
// PostgresErrorResponse `{"error", "status"}` with a short status code.
// Unknown resources answer 404 `{"error":"app not found"}`,
// `{"error":"machine not found"}`, `{"error":"volume not found"}` and so on.
// Requests without an Authorization header answer 401, except
// /v1/platform/regions, /v1/tokens/authenticate and /v1/tokens/authorize,
// which the document marks as open.
//
// Machines follow one transition table (lifecycle in lifecycle.go): create
// (`created`, then `starting`, then `started`; `created` for good with
// skip_launch), start, stop (signal and timeout accepted, numeric signals
// too), suspend, restart, update (a new version; the old one is `replaced`
// when fetched with ?version=), destroy (`force=true` or fly-go's
// `kill=true` for a running machine), cordon and uncordon (`cordoned`, no
// state change), and `failed`. An illegal transition answers 412
// `failed_precondition: unable to <action> machine from current state:
// '<state>'` (and the real `failed_precondition: machine getting replaced,
// refusing to start`). Every state change is an event (`Machine.events`,
// /events newest first, default 20, at most 50); every update a version
// (/versions newest first). Identifiers look like the real ones: 14 hex
// digits for machines, 26-character ULIDs for versions and events,
// `vol_` + 16 characters for volumes.
//
// Wait long-polls until the machine reaches one of the states (repeated or
// comma-separated `state`, default `started`; `settled` is any
// non-transient state), for `timeout` seconds (default and cap 60), and
// answers 408 `deadline_exceeded: machine failed to reach desired state,
// <states>, currently <state>` when time runs out. `version` (or
// `instance_id`) and `from_event_id` narrow it as described under Choices.
//
// Leases answer in the real envelope `{"status":"success","data":{"nonce",
// "expires_at","owner","description","version"}}`, take `ttl` from the query
// (as fly-go sends it) or the body, refresh with the nonce in the
// `fly-machine-lease-nonce` header, expire on the clock, and answer 409
// `machine ID <id> lease currently held by <owner>, expires at <time>` to
// anyone else. Release answers `{"status":"success","data":{"ok":true}}`.
// `lease_ttl` on create or update takes a lease at once and returns its
// nonce in `Machine.nonce`; `include_leases=true` shows Machine.lease.
//
// Lists paginate with `limit` and `cursor` where the document has them:
// `next_cursor` in the body for apps, certificates and the organisation
// lists, the `fly-next-cursor` header for machines and volumes. Without
// `limit`, a list is whole.
//
// Rate limits are token buckets keyed by (action, identifier): the action is
// the method and path pattern as the document writes it, the identifier the
// machine_id if the path has one, else the app_name, else none. Every action
// allows 1 request/s with bursts of 3, Get Machine 5/s with bursts of 10,
// app deletion 100/min with bursts of 100. Over the limit the answer is 429
// `{"error":"rate limit exceeded for <action>, retry in <n>s"}` with a
// Retry-After header in whole seconds. The client applies the same buckets.
//
// Faults (WithFaults, ParseFaults) are drawn once per request from the
// seeded source, in arrival order: a client that sends the same requests in
// the same order meets the same faults. 500, 502, 503 and 429 (with
// Retry-After: 1) are answered before the request is processed, so nothing
// changed. Connection resets come in two kinds: ResetBefore drops the TCP
// connection (RST) before processing (nothing changed); ResetAfter processes
// the request fully, then drops the connection instead of answering (the
// change happened, the answer is lost: a client cannot tell the two apart).
// Latency (WithLatency) is mean ± a uniform jitter, on the simulator's clock.
//
// exec never runs anything on the host. It answers, deterministically,
// `echo [-n] args...`, `hostname` (the machine id), `uname` with GNU's
// flags (Linux, the machine id as the node name, release
// 6.1.0-flyscript-sim, x86_64), `env` (config.env, the app's secrets as of
// the machine's last boot and the FLY_* runtime variables, sorted) and
// `printenv NAME...`, and `cat [path...|-]` of the machine's own files
// (config.files: raw_value decoded from base64, secret_name from the same
// secrets; with no path or `-`, stdin). Commands may be given as `command`
// (a list) or as the deprecated `cmd` string, split like a shell would
// (quotes and backslashes, nothing else). Anything else exits 127 with
// `exec: "<cmd>": executable file not found in $PATH`. The answer is always
// JSON `{exit_code, stdout, stderr}`.
//
// Persistence (WithStateFile) keeps the state in two files: the snapshot
// (the state file, the whole state as indented JSON) and the journal beside
// it (<file>.journal), one JSON line per change holding only the objects the
// change touched (an app, a machine, a volume, a cluster; null for one
// deleted). A change is appended and synced before its answer is sent, so a
// write costs the same with 10,000 machines as with 10. When the journal has
// outgrown the snapshot (and 1 MiB), and when the simulator starts and
// stops, the state is written as a new snapshot (a temporary file in the
// same directory, synced, renamed over the state file, the directory synced)
// and the journal emptied. A kill at any moment loses no answered change and
// leaves files that load: a last journal line without its newline was cut
// by the kill before it was synced, so never answered, and is dropped;
// records are numbered and the snapshot names the last it holds, so lines
// left behind by a kill during a compaction are not applied twice.
// Temporary files of an interrupted write are removed on start.
//
// The folder must exist: New refuses to start otherwise. Loading checks the
// files: every field known and of the right type, no null object, ids that
// match their keys, machines with a version, an event and a known state,
// references to apps and organisations that exist, secret keys of the right
// length. A file that does not load is a *StateError naming the file, the
// JSON path (`$.machines["3d8d9e1b"].versions`) or line, and the problem; it
// is never overwritten: New starts empty and Err (and Start) report it. If a
// write fails later, nothing more is written, and every request is answered
// 500 with the reason, which Err reports too. Transitions in flight resume
// after a restart; rate-limit buckets do not persist. The state file holds
// the apps' secrets and secret keys in clear text: it is created with mode
// 0600.
//
// Secret keys are real cryptography with Go's standard library on keys the
// simulator generates or is given: hs256/hs384/hs512 and nacl_auth (HMAC)
// and nacl_sign (Ed25519) sign and verify; xaes256gcm encrypts and decrypts
// with AES-256-GCM (it round-trips but is not byte-compatible with the real
// XAES-256-GCM). Byte fields (key values, plaintexts, ciphertexts,
// signatures, public keys, token nonces) are answered as base64 strings, as
// the API (a Go server with []byte fields) writes them, although the
// document types them as arrays of integers; requests may use either form.
// Deleting a hostname's ACME or custom certificate leaves the
// hostname and its other certificate (fly-go's DeleteACMECertificate and
// DeleteCustomCertificate); DELETE .../certificates/{hostname} removes the
// hostname and all its certificates. Certificates, IP assignments, deploy
// tokens, tokens, placements
// and Managed Postgres (clusters that are `creating` then `ready`, answering
// 503 with Retry-After for database and user operations until then; 410 once
// deleted) are stateful with plausible data.
//
// # Choices
//
// The real behaviour of these is unknown (shared/notes/machines-api.md §9);
// the simulator does this:
//
//   - Starting a `created` machine that is still launching is refused (the
//     observed `unable to start machine from current state: 'created'`); a
//     machine created with skip_launch starts. Starting a started machine is
//     refused with 412.
//   - Stopping a stopped or created machine succeeds and changes nothing;
//     stopping a suspended one goes through `stopping` to `stopped`.
//   - Suspend and restart need a started machine (412 otherwise).
//   - Destroying a machine that is not stopped, suspended, created or failed
//     without force is refused with 412; with force it is killed.
//   - Update works from created, started, stopped, suspended and failed, and
//     is refused with 412 from a transient state. Without skip_launch the
//     machine goes `replacing`, `starting`, `started`; with it, `replacing`
//     then `created` (if it was) or `stopped`. A region different from the
//     machine's is refused with 400. A config without `image` is 400.
//     min_secrets_version, skip_secrets are accepted and ignored: an update
//     always boots the machine with the app's current secrets.
//   - A machine sees the app's secrets as they were when it last booted
//     (created, started, restarted or updated): `env`, `printenv` and the
//     secret_name files of exec show those, as a real machine would, so a
//     rotation that forgets to restart or update is caught.
//   - A machine name is unique among an app's live machines: 409 otherwise.
//   - A destroyed machine still answers GET, /events, /versions, /wait and
//     lists with include_deleted=true; any other operation answers 404
//     `machine not found`.
//   - signal needs a started machine; SIGKILL (or 9) stops it (an `exit`
//     event with exit code 137), other signals change nothing.
//   - exec, ps and memory reclaim need a started machine (412).
//   - A lease guards update, start, stop, suspend, restart, cordon,
//     uncordon and destroy: without its nonce they answer 409 `... lease
//     currently held by ...`. Metadata, exec, signal, memory and reads are
//     not guarded. A nonce sent when there is no lease is ignored. Default
//     lease TTL 30 s, no maximum. Release without the header is 400, with a
//     wrong nonce 409; an expired lease is `lease not found` (404).
//   - Wait with a version that is not the current one: `stopped` and
//     `destroyed` are reached at once (that instance is gone), nothing else
//     ever is. With from_event_id, the machine must have changed state after
//     that event. An unknown version or event id is 400.
//   - Failure modes by image name (the last path element, any registry or
//     tag): `sim-fail` fails when it starts (`starting` then `failed`, with
//     an exit event); `sim-unhealthy` starts but fails its health checks;
//     `sim-slow` stays `starting` 30 s longer than the timings say, even
//     with InstantTimings (on the simulator's clock).
//   - Health checks: Machine.checks lists the checks the current config
//     declares (config.checks by name, then the checks of config.services,
//     named servicecheck-<service index, 2 digits>-<type>-<port>). They are
//     `warning` during their grace_period after the machine started, then
//     `passing` (`critical` for a `sim-unhealthy` image), and `critical`
//     while the machine is not started.
//   - Guest sizes follow the documented machine sizes: cpu_kind `shared`
//     (1, 2, 4, 6 or 8 CPUs, 256 MiB to 2 GiB of memory per CPU, in steps
//     of 256 MiB) or `performance` (1 to 16 CPUs in even steps from 2, 2 to
//     8 GiB per CPU, steps of 1 GiB); anything else answers 400 `invalid
//     config.guest.cpus ...`, `invalid config.guest.memory_mb, minimum
//     required <n> MiB` (the real wording), `... maximum allowed ...`. A
//     missing cpu_kind is shared, cpus 1, memory_mb the least for the CPUs.
//     config.files[] need an absolute guest_path and a raw_value in base64
//     or a secret_name (400 otherwise).
//   - Deleting an app with machines that are not stopped (a machine that is
//     `destroying` does not count) is refused with 412 unless force=true;
//     deletion removes its machines, volumes and secrets. `force` is not in
//     the document and fly-go's DeleteApp never sends it: it is the
//     simulator's own, for scripts that want the app gone whatever runs.
//     App ids are the app names; CreateAppResponse.created_at is in Unix
//     seconds. The same idempotency_key returns the first answer.
//     `app_role_id` on create (not in the document; fly-go sends it, flyctl
//     with `postgres_cluster`) is the app's `app_role`, shown (when set) by
//     GET and in the app list, and matched by the list's `app_role` filter.
//   - Volumes are gone (404) once destroyed; DELETE answers the volume with
//     state `destroyed`. A mount must name a volume id of the app in the
//     machine's region (400) that no other machine uses (409).
//   - Cursors do not expire. Request ids are ULIDs with a `-sim` suffix.
//   - Secrets' min_version is accepted and ignored (the simulator is always
//     consistent). Certificate checks always find DNS configured.
//   - Metadata DELETE of a missing key answers 204; POST without a value 400.
package sim
