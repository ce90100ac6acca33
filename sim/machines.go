package sim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// machineFor finds the request's machine (destroyed ones included),
// answering 404/403 itself. Called with s.mu held.
func (s *Server) machineFor(w http.ResponseWriter, r *http.Request) (*app, *machine) {
	return appMember(s, w, r, "machine", kindMachine, s.w.Machines, "machine_id", func(m *machine) string { return m.App })
}

// liveMachineFor is machineFor for operations that need a machine that is
// not destroyed: a destroyed machine answers 404 `machine not found`.
func (s *Server) liveMachineFor(w http.ResponseWriter, r *http.Request) (*app, *machine) {
	a, m := s.machineFor(w, r)
	if m != nil && m.State == "destroyed" {
		writeError(w, http.StatusNotFound, "machine not found")
		return nil, nil
	}
	return a, m
}

type machineJSON struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	State        string         `json:"state"`
	Region       string         `json:"region"`
	InstanceID   string         `json:"instance_id"`
	Version      string         `json:"version"`
	PrivateIP    string         `json:"private_ip"`
	Config       map[string]any `json:"config,omitempty"`
	ImageRef     map[string]any `json:"image_ref"`
	CreatedAt    string         `json:"created_at"`
	UpdatedAt    string         `json:"updated_at"`
	Events       []event        `json:"events,omitempty"`
	Checks       []checkStatus  `json:"checks,omitempty"`
	HostStatus   string         `json:"host_status"`
	Cordoned     bool           `json:"cordoned"`
	HostFeatures []string       `json:"host_features,omitempty"`
	Nonce        string         `json:"nonce,omitempty"`
	Lease        *strippedLease `json:"lease,omitempty"`
}

type strippedLease struct {
	Owner       string `json:"owner"`
	ExpiresAt   int64  `json:"expires_at"`
	Description string `json:"description"`
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// render shows m at version v (nil: the current one) as the API does.
func (s *Server) render(m *machine, v *version, includeLease, summary bool) machineJSON {
	state := displayState(m.State)
	if v == nil {
		v = m.current()
	} else if v != m.current() {
		state = "replaced"
	}
	img, _ := v.Config["image"].(string)
	j := machineJSON{
		ID: m.ID, Name: m.Name, State: state, Region: m.Region,
		InstanceID: v.ID, Version: v.ID, PrivateIP: m.PrivateIP,
		Config: v.Config, ImageRef: imageRef(img),
		CreatedAt: rfc3339(m.CreatedAt), UpdatedAt: rfc3339(m.UpdatedAt),
		HostStatus: "ok", Cordoned: m.Cordoned,
	}
	if summary {
		j.Config = map[string]any{"image": img}
		if md, ok := v.Config["metadata"]; ok {
			j.Config["metadata"] = md
		}
	} else {
		j.Events = eventsJSON(m.Events, 10)
		if v == m.current() {
			j.Checks = s.machineChecks(m)
		}
	}
	if includeLease {
		if l := s.liveLease(m); l != nil {
			j.Lease = &strippedLease{Owner: l.Owner, ExpiresAt: l.ExpiresAt.Unix(), Description: l.Description}
		}
	}
	return j
}

// eventsJSON returns up to n events, newest first.
func eventsJSON(evs []*event, n int) []event {
	out := []event{}
	for i := len(evs) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, *evs[i])
	}
	return out
}

// imageRef splits an image reference the way the API reports it.
func imageRef(img string) map[string]any {
	ref := img
	digest := ""
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	tag := "latest"
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref, tag = ref[:i], ref[i+1:]
	}
	registry := "docker-hub-mirror.fly.io"
	repo := ref
	if i := strings.IndexByte(ref, '/'); i >= 0 && strings.ContainsAny(ref[:i], ".:") {
		registry, repo = ref[:i], ref[i+1:]
	} else if !strings.Contains(ref, "/") {
		repo = "library/" + ref
	}
	if digest == "" {
		sum := sha256.Sum256([]byte(img))
		digest = "sha256:" + hex.EncodeToString(sum[:])
	}
	return map[string]any{"registry": registry, "repository": repo, "tag": tag, "digest": digest, "labels": map[string]string{}}
}

type machineRequest struct {
	Config                  map[string]any `json:"config"`
	CurrentVersion          string         `json:"current_version"`
	LeaseTTL                *int           `json:"lease_ttl"`
	MinSecretsVersion       *int64         `json:"min_secrets_version"`
	Name                    string         `json:"name"`
	Region                  string         `json:"region"`
	SkipLaunch              bool           `json:"skip_launch"`
	SkipSecrets             bool           `json:"skip_secrets"`
	SkipServiceRegistration bool           `json:"skip_service_registration"`
}

// normalizeConfig checks a machine config and fills the defaults the real
// API fills; it returns a 400 message when the config is unusable.
func normalizeConfig(cfg map[string]any) string {
	img, _ := cfg["image"].(string)
	if strings.TrimSpace(img) == "" {
		return "invalid config.image: an image is required"
	}
	g, ok := cfg["guest"].(map[string]any)
	if !ok {
		if cfg["guest"] != nil {
			return "invalid config.guest: want an object"
		}
		g = map[string]any{}
		cfg["guest"] = g
	}
	if msg := checkGuest(g); msg != "" {
		return msg
	}
	return checkFiles(cfg)
}

// mountedVolumes checks config.mounts against the app's volumes and returns
// the ids to attach, or an HTTP status and message.
func (s *Server) mountedVolumes(a *app, m *machine, region string, cfg map[string]any) ([]string, int, string) {
	mounts, _ := cfg["mounts"].([]any)
	var ids []string
	for _, x := range mounts {
		mt, _ := x.(map[string]any)
		id, _ := mt["volume"].(string)
		if id == "" {
			return nil, http.StatusBadRequest, "invalid config.mounts: each mount needs a volume id"
		}
		v := s.w.Volumes[id]
		if v == nil || v.App != a.Name {
			return nil, http.StatusBadRequest, fmt.Sprintf("invalid config.mounts: volume %s not found", id)
		}
		if v.Region != region {
			return nil, http.StatusBadRequest, fmt.Sprintf("invalid config.mounts: volume %s is in region %s, machine is in %s", id, v.Region, region)
		}
		if v.AttachedMachine != "" && (m == nil || v.AttachedMachine != m.ID) {
			return nil, http.StatusConflict, fmt.Sprintf("volume %s is already attached to machine %s", id, v.AttachedMachine)
		}
		ids = append(ids, id)
	}
	return ids, 0, ""
}

func (s *Server) detachVolumes(m *machine) {
	for _, v := range s.w.Volumes {
		if v.AttachedMachine == m.ID {
			v.AttachedMachine = ""
			s.touch(kindVolume, v.ID)
		}
	}
}

func (s *Server) createMachine(w http.ResponseWriter, r *http.Request) {
	var req machineRequest
	if !readBody(w, r, &req, true) {
		return
	}
	s.withApp(w, r, func(a *app) {
		if req.Config == nil {
			writeError(w, http.StatusBadRequest, "config is required")
			return
		}
		if msg := normalizeConfig(req.Config); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		region := req.Region
		if region == "" {
			region = defaultRegion
		}
		if !knownRegion(region) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid region %q", region))
			return
		}
		if req.Name != "" {
			for _, o := range s.w.Machines {
				if o.App == a.Name && o.Name == req.Name && o.State != "destroyed" {
					writeError(w, http.StatusConflict, fmt.Sprintf("a machine named %q already exists in this app (%s)", req.Name, o.ID))
					return
				}
			}
		}
		vols, code, msg := s.mountedVolumes(a, nil, region, req.Config)
		if code != 0 {
			writeError(w, code, msg)
			return
		}
		now := s.clock.Now()
		m := &machine{
			ID: s.unusedMachineID(), App: a.Name, Name: req.Name, Region: region,
			Seq: s.w.nextSeq(), CreatedAt: now, UpdatedAt: now,
			PrivateIP: "fdaa:0:" + fmt.Sprintf("%x", a.NumericID%0xffff) + ":a7b:" + s.ids.hex(3) + ":" + s.ids.hex(4) + ":" + s.ids.hex(4) + ":2",
			Cordoned:  req.SkipServiceRegistration,
		}
		if m.Name == "" {
			m.Name = s.ids.machineName()
		}
		m.Versions = []*version{{ID: s.ids.ulid(now), Config: req.Config, CreatedAt: now}}
		s.w.Machines[m.ID] = m
		for _, id := range vols {
			s.w.Volumes[id].AttachedMachine = m.ID
			s.touch(kindVolume, id)
		}
		act := actLaunch
		if req.SkipLaunch {
			act = actCreate
		}
		s.apply(m, act, nil)
		j := s.render(m, nil, false, false)
		if req.LeaseTTL != nil && *req.LeaseTTL > 0 {
			l := s.newLease(m, *req.LeaseTTL, "")
			j.Nonce = l.Nonce
		}
		writeJSON(w, http.StatusOK, j)
	})
}

func (s *Server) listMachines(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	opts, ok := listFilters(w, r)
	if !ok {
		return
	}
	limit, after, ok := pageParams(w, r, 1000)
	if !ok {
		return
	}
	includeLeases, ok := boolParam(w, r, "include_leases")
	if !ok {
		return
	}
	meta := map[string]string{}
	for k, v := range q {
		if key, ok := strings.CutPrefix(k, "metadata."); ok && len(v) > 0 {
			meta[key] = v[0]
		}
	}
	s.withApp(w, r, func(a *app) {
		var ms []*machine
		for _, m := range s.w.Machines {
			if m.App != a.Name || !opts.match(m) {
				continue
			}
			cfgMeta, _ := m.config()["metadata"].(map[string]any)
			matches := true
			for k, v := range meta {
				if got, _ := cfgMeta[k].(string); got != v {
					matches = false
				}
			}
			if matches {
				ms = append(ms, m)
			}
		}
		ms, next := paginate(ms, machineKey, after, limit)
		if next != "" {
			w.Header().Set("fly-next-cursor", next)
		}
		out := make([]machineJSON, 0, len(ms))
		for _, m := range ms {
			out = append(out, s.render(m, nil, includeLeases, opts.summary))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// machineFilters are the list filters shared by the app and org lists.
type machineFilters struct {
	includeDeleted bool
	summary        bool
	region         string
	states         map[string]bool
}

func listFilters(w http.ResponseWriter, r *http.Request) (machineFilters, bool) {
	var f machineFilters
	var ok bool
	if f.includeDeleted, ok = boolParam(w, r, "include_deleted"); !ok {
		return f, false
	}
	if f.summary, ok = boolParam(w, r, "summary"); !ok {
		return f, false
	}
	q := r.URL.Query()
	f.region = q.Get("region")
	if st := splitList(q["state"]); len(st) > 0 {
		f.states = map[string]bool{}
		for _, x := range st {
			f.states[x] = true
		}
	}
	return f, true
}

func (f machineFilters) match(m *machine) bool {
	if m.State == "destroyed" && !f.includeDeleted && !f.states["destroyed"] {
		return false
	}
	if f.region != "" && m.Region != f.region {
		return false
	}
	if f.states != nil && !f.states[displayState(m.State)] {
		return false
	}
	return true
}

func (s *Server) showMachine(w http.ResponseWriter, r *http.Request) {
	includeLeases, ok := boolParam(w, r, "include_leases")
	if !ok {
		return
	}
	s.withMachine(w, r, func(_ *app, m *machine) {
		var v *version
		if want := r.URL.Query().Get("version"); want != "" {
			for _, x := range m.Versions {
				if x.ID == want {
					v = x
				}
			}
			if v == nil {
				writeError(w, http.StatusNotFound, "machine version not found")
				return
			}
		}
		writeJSON(w, http.StatusOK, s.render(m, v, includeLeases, false))
	})
}

func (s *Server) updateMachine(w http.ResponseWriter, r *http.Request) {
	var req machineRequest
	if !readBody(w, r, &req, true) {
		return
	}
	s.withLeasedMachine(w, r, func(a *app, m *machine) {
		if req.CurrentVersion != "" && req.CurrentVersion != m.current().ID {
			writeError(w, http.StatusConflict, fmt.Sprintf("current_version %s does not match the machine's version %s", req.CurrentVersion, m.current().ID))
			return
		}
		if req.Region != "" && req.Region != m.Region {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid region %q: a machine cannot change region (it is in %s)", req.Region, m.Region))
			return
		}
		cfg := req.Config
		if cfg == nil {
			cfg = cloneJSON(m.config())
		}
		if msg := normalizeConfig(cfg); msg != "" {
			writeError(w, http.StatusBadRequest, msg)
			return
		}
		act := actUpdate
		if req.SkipLaunch {
			act = actUpdateNoRun
		}
		if _, ok := lifecycle[act][m.State]; !ok {
			writeError(w, http.StatusPreconditionFailed, refusal(act, m.State))
			return
		}
		vols, code, msg := s.mountedVolumes(a, m, m.Region, cfg)
		if code != 0 {
			writeError(w, code, msg)
			return
		}
		if req.Name != "" {
			m.Name = req.Name
		}
		if req.SkipServiceRegistration {
			m.Cordoned = true
		}
		now := s.clock.Now()
		m.Versions = append(m.Versions, &version{ID: s.ids.ulid(now), Config: cfg, CreatedAt: now})
		s.detachVolumes(m)
		for _, id := range vols {
			s.w.Volumes[id].AttachedMachine = m.ID
			s.touch(kindVolume, id)
		}
		s.apply(m, act, nil)
		j := s.render(m, nil, false, false)
		if req.LeaseTTL != nil && *req.LeaseTTL > 0 && s.liveLease(m) == nil {
			j.Nonce = s.newLease(m, *req.LeaseTTL, "").Nonce
		}
		writeJSON(w, http.StatusOK, j)
	})
}

// lifecycleOp answers start, stop, suspend, restart and destroy.
func (s *Server) lifecycleOp(w http.ResponseWriter, r *http.Request, act action, request map[string]any, ok func(prev string) any) {
	s.withLeasedMachine(w, r, func(_ *app, m *machine) {
		prev := displayState(m.State)
		if msg, accepted := s.apply(m, act, request); !accepted {
			writeError(w, http.StatusPreconditionFailed, msg)
			return
		}
		writeJSON(w, http.StatusOK, ok(prev))
	})
}

func okBody(string) any { return map[string]any{"ok": true} }

func (s *Server) startMachine(w http.ResponseWriter, r *http.Request) {
	s.lifecycleOp(w, r, actStart, nil, func(prev string) any {
		return map[string]any{"previous_state": prev, "migrated": false, "new_host": ""}
	})
}

func (s *Server) stopMachine(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Signal  any    `json:"signal"`
		Timeout any    `json:"timeout"`
		ID      string `json:"id"`
	}
	if !readBody(w, r, &req, false) {
		return
	}
	request := map[string]any{}
	if req.Signal != nil {
		sig, ok := parseSignal(req.Signal)
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid signal %v", req.Signal))
			return
		}
		request["signal"] = sig
	}
	if req.Timeout != nil {
		d, ok := parseTimeout(req.Timeout)
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid timeout %v: want a duration such as \"10s\"", req.Timeout))
			return
		}
		request["timeout"] = d.String()
	}
	if len(request) == 0 {
		request = nil
	}
	s.lifecycleOp(w, r, actStop, request, okBody)
}

func (s *Server) suspendMachine(w http.ResponseWriter, r *http.Request) {
	s.lifecycleOp(w, r, actSuspend, nil, okBody)
}

func (s *Server) restartMachine(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	request := map[string]any{}
	if v := q.Get("signal"); v != "" {
		sig, ok := parseSignal(v)
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid signal %q", v))
			return
		}
		request["signal"] = sig
	}
	if v := q.Get("timeout"); v != "" {
		d, ok := parseTimeout(v)
		if !ok {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid timeout %q", v))
			return
		}
		request["timeout"] = d.String()
	}
	if _, ok := boolParam(w, r, "force_stop"); !ok {
		return
	}
	if len(request) == 0 {
		request = nil
	}
	s.lifecycleOp(w, r, actRestart, request, okBody)
}

func (s *Server) deleteMachine(w http.ResponseWriter, r *http.Request) {
	force, ok := boolParam(w, r, "force")
	if !ok {
		return
	}
	kill, ok := boolParam(w, r, "kill")
	if !ok {
		return
	}
	act := actDestroy
	if force || kill {
		act = actForceDestroy
	}
	s.lifecycleOp(w, r, act, nil, okBody)
}

func (s *Server) cordonMachine(w http.ResponseWriter, r *http.Request, on bool) {
	s.withLeasedMachine(w, r, func(_ *app, m *machine) {
		if m.Cordoned != on {
			m.Cordoned = on
			m.UpdatedAt = s.clock.Now()
			s.commit()
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
}

func (s *Server) signalMachine(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Signal any `json:"signal"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	sig, ok := parseSignal(req.Signal)
	if !ok {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid signal %v", req.Signal))
		return
	}
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		if m.State != "started" {
			writeError(w, http.StatusPreconditionFailed, refusal(actKill, m.State))
			return
		}
		if sig == "SIGKILL" {
			s.apply(m, actKill, map[string]any{"signal": 9})
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true})
	})
}

// signals are the names the API accepts, with their Linux numbers (flaps
// sends numbers, e.g. {"signal": 9}).
var signals = map[string]int{
	"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6,
	"SIGFPE": 8, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11, "SIGUSR2": 12,
	"SIGPIPE": 13, "SIGALRM": 14, "SIGTERM": 15,
}

// parseSignal accepts "SIGTERM", "TERM", 15 and "15".
func parseSignal(v any) (string, bool) {
	var n int
	switch x := v.(type) {
	case string:
		up := strings.ToUpper(strings.TrimSpace(x))
		if _, ok := signals[up]; ok {
			return up, true
		}
		if _, ok := signals["SIG"+up]; ok {
			return "SIG" + up, true
		}
		i, err := strconv.Atoi(up)
		if err != nil {
			return "", false
		}
		n = i
	case json.Number:
		i, err := strconv.Atoi(x.String())
		if err != nil {
			return "", false
		}
		n = i
	case float64:
		n = int(x)
	default:
		return "", false
	}
	for name, num := range signals {
		if num == n {
			return name, true
		}
	}
	return "", false
}

// parseTimeout accepts a Go duration ("10s"), or a number of seconds as a
// number or a string.
func parseTimeout(v any) (time.Duration, bool) {
	switch x := v.(type) {
	case string:
		if d, err := time.ParseDuration(x); err == nil && d >= 0 {
			return d, true
		}
		if n, err := strconv.Atoi(x); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	case json.Number:
		if n, err := x.Int64(); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
	case float64:
		if x >= 0 {
			return time.Duration(x * float64(time.Second)), true
		}
	}
	return 0, false
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	n := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		x, err := strconv.Atoi(v)
		if err != nil || x < 1 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid limit %q", v))
			return
		}
		n = min(x, 50)
	}
	s.withMachine(w, r, func(_ *app, m *machine) {
		writeJSON(w, http.StatusOK, eventsJSON(m.Events, n))
	})
}

func (s *Server) listVersions(w http.ResponseWriter, r *http.Request) {
	s.withMachine(w, r, func(_ *app, m *machine) {
		out := []map[string]any{}
		for i := len(m.Versions) - 1; i >= 0; i-- {
			out = append(out, map[string]any{"version": m.Versions[i].ID, "user_config": m.Versions[i].Config})
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// notRunning is the 412 of operations that need a started machine.
func notRunning(w http.ResponseWriter, m *machine) {
	writeError(w, http.StatusPreconditionFailed, fmt.Sprintf("failed_precondition: machine is not running (state: '%s')", displayState(m.State)))
}

// startedMachineFor is liveMachineFor for operations that need a started
// machine: any other state answers notRunning's 412.
func (s *Server) startedMachineFor(w http.ResponseWriter, r *http.Request) *machine {
	_, m := s.liveMachineFor(w, r)
	if m != nil && m.State != "started" {
		notRunning(w, m)
		return nil
	}
	return m
}

func (s *Server) listProcesses(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sortBy, order := q.Get("sort_by"), q.Get("order")
	switch sortBy {
	case "", "pid", "cpu", "rss", "stime", "rtime", "command":
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid sort_by %q", sortBy))
		return
	}
	switch order {
	case "", "asc", "desc":
	default:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid order %q", order))
		return
	}
	s.withStartedMachine(w, r, func(m *machine) {
		up := int64(s.clock.Now().Sub(m.UpdatedAt) / time.Millisecond)
		cmd := strings.Join(machineCommand(m.config()), " ")
		procs := []map[string]any{
			{"pid": 1, "command": "/.fly/init", "directory": "/", "cpu": 0, "rss": 3 << 20, "stime": 5, "rtime": up, "listen_sockets": []any{}},
			{"pid": 313, "command": "/.fly/hallpass", "directory": "/", "cpu": 0, "rss": 7 << 20, "stime": 9, "rtime": up,
				"listen_sockets": []any{map[string]any{"proto": "tcp", "address": "[" + m.PrivateIP + "]:22"}}},
			{"pid": 314, "command": cmd, "directory": "/", "cpu": 1, "rss": 24 << 20, "stime": 40, "rtime": up, "listen_sockets": []any{}},
		}
		key := sortBy
		if key == "" {
			key = "pid"
		}
		sort.SliceStable(procs, func(i, j int) bool {
			a, b := fmt.Sprint(procs[i][key]), fmt.Sprint(procs[j][key])
			if ai, err := strconv.ParseInt(a, 10, 64); err == nil {
				bi, _ := strconv.ParseInt(b, 10, 64)
				if order == "desc" {
					return ai > bi
				}
				return ai < bi
			}
			if order == "desc" {
				return a > b
			}
			return a < b
		})
		writeJSON(w, http.StatusOK, procs)
	})
}

// machineCommand is what the machine runs: init.cmd/exec, else the image name.
func machineCommand(cfg map[string]any) []string {
	if in, ok := cfg["init"].(map[string]any); ok {
		for _, k := range []string{"exec", "cmd", "entrypoint"} {
			if xs, ok := in[k].([]any); ok && len(xs) > 0 {
				var out []string
				for _, x := range xs {
					out = append(out, fmt.Sprint(x))
				}
				return out
			}
		}
	}
	img, _ := cfg["image"].(string)
	return []string{"/usr/local/bin/" + imageName(img)}
}

// guestMemory is config.guest.memory_mb (256 when unset).
func guestMemory(cfg map[string]any) int {
	g, _ := cfg["guest"].(map[string]any)
	if n, ok := g["memory_mb"].(json.Number); ok {
		if i, err := n.Int64(); err == nil && i > 0 {
			return int(i)
		}
	}
	if f, ok := g["memory_mb"].(float64); ok && f > 0 {
		return int(f)
	}
	return 256
}

func (m *machine) memoryLimit() int {
	if m.MemoryMB > 0 {
		return m.MemoryMB
	}
	return guestMemory(m.config())
}

func memoryJSON(m *machine) map[string]any {
	limit := m.memoryLimit()
	return map[string]any{"limit_mb": limit, "available_mb": limit * 3 / 4}
}

func (s *Server) getMemory(w http.ResponseWriter, r *http.Request) {
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		writeJSON(w, http.StatusOK, memoryJSON(m))
	})
}

func (s *Server) setMemory(w http.ResponseWriter, r *http.Request) {
	var req struct {
		LimitMB int `json:"limit_mb"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	s.withLiveMachine(w, r, func(_ *app, m *machine) {
		if mem := guestMemory(m.config()); req.LimitMB < 1 || req.LimitMB > mem {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("invalid limit_mb %d: want 1 to %d (config.guest.memory_mb)", req.LimitMB, mem))
			return
		}
		m.MemoryMB = req.LimitMB
		s.commitAnswer(w, http.StatusOK, memoryJSON(m))
	})
}

func (s *Server) reclaimMemory(w http.ResponseWriter, r *http.Request) {
	var req struct {
		AmountMB int `json:"amount_mb"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	if req.AmountMB < 0 {
		writeError(w, http.StatusBadRequest, "invalid amount_mb: must not be negative")
		return
	}
	s.withStartedMachine(w, r, func(m *machine) {
		writeJSON(w, http.StatusOK, map[string]any{"actual_mb": min(req.AmountMB, m.memoryLimit()/4)})
	})
}

// unusedMachineID draws machine ids until one is free.
func (s *Server) unusedMachineID() string {
	for {
		if id := s.ids.machineID(); s.w.Machines[id] == nil {
			return id
		}
	}
}
