package sim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Seeding puts resources read from another Machines API (production, as a
// rule) into the simulator as they were read, so that the simulator can
// stand in for that API: `flyscript plan` seeds a shadow simulator with what
// a script reads and sends the script's changes to the shadow.
//
// The Seed* types decode the API's own JSON (their field tags are the wire
// names), so a response body can be unmarshalled straight into them. Each
// Seed* method inserts objects that are not in the simulator yet and
// returns ErrSeeded for one that is: seeding never overwrites what the
// simulator changed since.

// ErrSeeded is returned when a seeded object is already in the simulator.
var ErrSeeded = errors.New("sim: already in the simulator")

// SeedOrg is an organisation as an app's `organization` field shows it.
type SeedOrg struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// SeedApp is an app as GET /v1/apps/{app_name} shows it.
type SeedApp struct {
	Name         string  `json:"name"`
	Organization SeedOrg `json:"organization"`
	Network      string  `json:"network"`
	NumericID    int64   `json:"internal_numeric_id"`
	AppRole      string  `json:"app_role"`
}

// SeedEvent is one entry of a machine's `events`.
type SeedEvent struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"`
	Status    string         `json:"status"`
	Source    string         `json:"source"`
	Timestamp int64          `json:"timestamp"`
	Request   map[string]any `json:"request,omitempty"`
}

// SeedMachine is a machine as GET /v1/apps/{app_name}/machines/{machine_id}
// shows it. A machine caught in a transient state (starting, stopping,
// replacing, ...) is seeded in the state that transition leads to: the
// simulator has no timer for a transition it did not start.
type SeedMachine struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	State      string         `json:"state"`
	Region     string         `json:"region"`
	InstanceID string         `json:"instance_id"`
	PrivateIP  string         `json:"private_ip"`
	Config     map[string]any `json:"config"`
	CreatedAt  string         `json:"created_at"`
	UpdatedAt  string         `json:"updated_at"`
	Events     []SeedEvent    `json:"events"` // newest first, as the API lists them
	Cordoned   bool           `json:"cordoned"`
}

// SeedLease is a machine's lease as the `data` of GET .../lease shows it.
// Its nonce is never taken from the source: the seeded lease gets a nonce
// nobody knows, so that it is "held by someone else" in the simulator.
type SeedLease struct {
	Owner       string `json:"owner"`
	Description string `json:"description"`
	Version     string `json:"version"`
	ExpiresAt   int64  `json:"expires_at"` // Unix seconds
}

// SeedVolume is a volume as GET /v1/apps/{app_name}/volumes/{volume_id}
// shows it.
type SeedVolume struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	State             string `json:"state"`
	SizeGB            int    `json:"size_gb"`
	Region            string `json:"region"`
	Zone              string `json:"zone"`
	Encrypted         bool   `json:"encrypted"`
	FSType            string `json:"fstype"`
	CreatedAt         string `json:"created_at"`
	AttachedMachineID string `json:"attached_machine_id"`
	AutoBackup        bool   `json:"auto_backup_enabled"`
	SnapshotRetention int    `json:"snapshot_retention"`
}

// SeedSecret is one entry of GET /v1/apps/{app_name}/secrets: a name and its
// dates. Values are never seeded; a seeded secret's value is empty, so its
// digest is not the source's.
type SeedSecret struct {
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// SeedCertificate is one entry of GET /v1/apps/{app_name}/certificates.
type SeedCertificate struct {
	Hostname      string `json:"hostname"`
	ACMERequested bool   `json:"acme_requested"`
	Configured    bool   `json:"configured"`
	HasCustom     bool   `json:"has_custom_certificate"`
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// SeedIPNetwork is the `network` of a private IP assignment.
type SeedIPNetwork struct {
	Name    string `json:"name"`
	OrgSlug string `json:"org_slug"`
}

// SeedIP is one entry of GET /v1/apps/{app_name}/ip_assignments.
type SeedIP struct {
	IP          string         `json:"ip"`
	Region      string         `json:"region"`
	Shared      bool           `json:"shared"`
	Egress      bool           `json:"egress"`
	ServiceName string         `json:"service_name"`
	Network     *SeedIPNetwork `json:"network"`
	CreatedAt   string         `json:"created_at"`
}

// settledStates is where a transient state leads when a seeded machine is
// caught in it.
var settledStates = map[string]string{
	stateLaunching: "started", "created": "created", "starting": "started", "stopping": "stopped",
	"restarting": "started", "suspending": "suspended", "destroying": "destroyed",
	"replacing": "started", "updating": "started",
}

// seedTime parses an RFC 3339 time, or gives fallback.
func seedTime(v string, fallback time.Time) time.Time {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t
	}
	return fallback
}

// seedApp finds the app a seeded object belongs to. Called with s.mu held.
func (s *Server) seedApp(name string) (*app, error) {
	a := s.w.Apps[name]
	if a == nil {
		return nil, fmt.Errorf("sim: seed: app %q is not in the simulator; seed it first", name)
	}
	s.touch(kindApp, name) // its secrets, certificates and IPs may change
	return a, nil
}

// SeedOrganization inserts an organisation the caller is a member of,
// unless the simulator knows it already (then it does nothing).
func (s *Server) SeedOrganization(in SeedOrg) error {
	if in.Slug == "" {
		return errors.New("sim: seed: an organisation needs a slug")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seedOrg(in)
	return nil
}

// seedOrg adds an organisation when it is missing. Called with s.mu held.
func (s *Server) seedOrg(in SeedOrg) {
	if _, ok := s.w.Orgs[in.Slug]; ok {
		return
	}
	name := in.Name
	if name == "" {
		name = in.Slug
	}
	s.w.Orgs[in.Slug] = &orgState{Slug: in.Slug, Name: name, Member: true, NumericID: 100001 + int64(len(s.w.Orgs))}
	s.touch(kindOrg, in.Slug)
	s.commit()
}

// SeedApp inserts an app, and its organisation when the simulator does not
// know it (the caller is a member of a seeded organisation).
func (s *Server) SeedApp(in SeedApp) error {
	if in.Name == "" {
		return errors.New("sim: seed: an app needs a name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.w.Apps[in.Name]; ok {
		return fmt.Errorf("%w: app %q", ErrSeeded, in.Name)
	}
	slug := in.Organization.Slug
	if slug == "" {
		slug = "personal"
	}
	s.seedOrg(SeedOrg{Slug: slug, Name: in.Organization.Name})
	a := s.newApp(in.Name, slug, in.Network, s.clock.Now())
	if in.NumericID != 0 {
		a.NumericID = in.NumericID
	}
	a.Role = in.AppRole
	s.w.Apps[in.Name] = a
	s.touch(kindApp, in.Name)
	s.commit()
	return nil
}

// SeedMachine inserts a machine of an app already in the simulator, with its
// current version and its events.
func (s *Server) SeedMachine(appName string, in SeedMachine) error {
	if in.ID == "" {
		return errors.New("sim: seed: a machine needs an id")
	}
	if in.Config == nil {
		return fmt.Errorf("sim: seed: machine %s has no config", in.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.seedApp(appName)
	if err != nil {
		return err
	}
	if _, ok := s.w.Machines[in.ID]; ok {
		return fmt.Errorf("%w: machine %s", ErrSeeded, in.ID)
	}
	now := s.clock.Now()
	state := in.State
	if to, ok := settledStates[state]; ok {
		state = to
	}
	if state == "" || state == "replaced" {
		state = "stopped"
	}
	cfg := cloneJSON(in.Config)
	_ = normalizeConfig(cfg)
	created := seedTime(in.CreatedAt, now)
	updated := seedTime(in.UpdatedAt, created)
	instance := in.InstanceID
	if instance == "" {
		instance = s.ids.ulid(created)
	}
	m := &machine{
		ID: in.ID, App: a.Name, Name: in.Name, Region: in.Region, State: state,
		Seq: s.w.nextSeq(), CreatedAt: created, UpdatedAt: updated,
		PrivateIP: in.PrivateIP, Cordoned: in.Cordoned,
		Versions: []*version{{ID: instance, Config: cfg, CreatedAt: updated}},
	}
	for i := len(in.Events) - 1; i >= 0; i-- { // oldest first
		e := in.Events[i]
		m.Events = append(m.Events, &event{ID: e.ID, Type: e.Type, Status: e.Status, Source: e.Source, Timestamp: e.Timestamp, Request: e.Request})
	}
	if len(m.Events) == 0 {
		m.Events = []*event{{ID: s.ids.ulid(updated), Type: "launch", Status: displayState(state), Source: "user", Timestamp: updated.UnixMilli()}}
	}
	s.w.Machines[m.ID] = m
	s.touch(kindMachine, m.ID)
	s.commit()
	return nil
}

// SeedLease gives a seeded machine the lease the source reports. An expired
// lease is ignored.
func (s *Server) SeedLease(appName, machineID string, in SeedLease) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.seedApp(appName); err != nil {
		return err
	}
	m := s.w.Machines[machineID]
	if m == nil || m.App != appName {
		return fmt.Errorf("sim: seed: machine %s of app %q is not in the simulator; seed it first", machineID, appName)
	}
	if s.liveLease(m) != nil {
		return fmt.Errorf("%w: lease of machine %s", ErrSeeded, machineID)
	}
	exp := time.Unix(in.ExpiresAt, 0)
	if !s.clock.Now().Before(exp) {
		return nil
	}
	owner := in.Owner
	if owner == "" {
		owner = "another holder"
	}
	ver := in.Version
	if ver == "" {
		ver = s.ids.ulid(s.clock.Now())
	}
	m.Lease = &lease{Nonce: "seeded-" + s.ids.hex(12), Owner: owner, Description: in.Description, Version: ver, ExpiresAt: exp}
	s.touch(kindMachine, m.ID)
	s.commit()
	return nil
}

// SeedVolume inserts a volume of an app already in the simulator. Its
// snapshots are not seeded.
func (s *Server) SeedVolume(appName string, in SeedVolume) error {
	if in.ID == "" {
		return errors.New("sim: seed: a volume needs an id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.seedApp(appName)
	if err != nil {
		return err
	}
	if _, ok := s.w.Volumes[in.ID]; ok {
		return fmt.Errorf("%w: volume %s", ErrSeeded, in.ID)
	}
	now := s.clock.Now()
	created := seedTime(in.CreatedAt, now)
	state := in.State
	if state == "" {
		state = "created"
	}
	fs := in.FSType
	if fs == "" {
		fs = "ext4"
	}
	s.touch(kindVolume, in.ID)
	s.w.Volumes[in.ID] = &volume{
		ID: in.ID, App: a.Name, Name: in.Name, Region: in.Region, Zone: in.Zone, State: state,
		FSType: fs, SizeGB: in.SizeGB, Encrypted: in.Encrypted, AutoBackup: in.AutoBackup,
		SnapshotRetention: in.SnapshotRetention, AttachedMachine: in.AttachedMachineID,
		Seq: s.w.nextSeq(), CreatedAt: created, UpdatedAt: created,
	}
	s.commit()
	return nil
}

// SeedSecrets sets the names of an app's secrets and the version of its
// secrets. Only names and dates are taken; every value is empty.
func (s *Server) SeedSecrets(appName string, secrets []SeedSecret, version int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.seedApp(appName)
	if err != nil {
		return err
	}
	if len(a.Secrets) > 0 || a.SecretsVersion != 0 {
		return fmt.Errorf("%w: secrets of app %q", ErrSeeded, appName)
	}
	now := s.clock.Now()
	for _, in := range secrets {
		if in.Name == "" {
			return fmt.Errorf("sim: seed: a secret of app %q has no name", appName)
		}
		created := seedTime(in.CreatedAt, now)
		a.Secrets[in.Name] = &secret{Name: in.Name, CreatedAt: created, UpdatedAt: seedTime(in.UpdatedAt, created)}
	}
	a.SecretsVersion = version
	s.commit()
	return nil
}

// SeedCertificate inserts one certificate of an app already in the
// simulator. A custom certificate's issuer and expiry are not known from a
// list entry; they are seeded as unknown and a year away.
func (s *Server) SeedCertificate(appName string, in SeedCertificate) error {
	host := strings.ToLower(in.Hostname)
	if host == "" {
		return errors.New("sim: seed: a certificate needs a hostname")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.seedApp(appName)
	if err != nil {
		return err
	}
	if _, ok := a.Certs[host]; ok {
		return fmt.Errorf("%w: certificate %s", ErrSeeded, host)
	}
	now := s.clock.Now()
	created := seedTime(in.CreatedAt, now)
	c := &cert{
		Hostname: host, ACME: in.ACMERequested, Custom: in.HasCustom,
		Validated: in.Configured && in.ACMERequested,
		CreatedAt: created, UpdatedAt: seedTime(in.UpdatedAt, created), Seq: s.w.nextSeq(),
	}
	if c.Custom {
		c.CustomCA, c.CustomType, c.CustomExp = "unknown", "rsa", now.AddDate(1, 0, 0)
	}
	a.Certs[host] = c
	s.commit()
	return nil
}

// SeedIPs appends IP assignments to an app already in the simulator. The
// type of each is inferred from the address and its flags, as the list does
// not give it.
func (s *Server) SeedIPs(appName string, ips []SeedIP) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.seedApp(appName)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	for _, in := range ips {
		if in.IP == "" {
			return fmt.Errorf("sim: seed: an IP assignment of app %q has no address", appName)
		}
		for _, x := range a.IPs {
			if x.IP == in.IP {
				return fmt.Errorf("%w: IP %s", ErrSeeded, in.IP)
			}
		}
		ip := &ipAssignment{
			IP: in.IP, Type: seedIPType(in), Region: in.Region, Shared: in.Shared, Egress: in.Egress,
			ServiceName: in.ServiceName, Org: a.Org, CreatedAt: seedTime(in.CreatedAt, now),
		}
		if in.Network != nil {
			ip.Network = in.Network.Name
			if in.Network.OrgSlug != "" {
				ip.Org = in.Network.OrgSlug
			}
		}
		a.IPs = append(a.IPs, ip)
	}
	s.commit()
	return nil
}

func seedIPType(in SeedIP) string {
	v6 := strings.Contains(in.IP, ":")
	switch {
	case in.Egress && v6:
		return "egress_v6"
	case in.Egress:
		return "egress_v4"
	case in.Network != nil && v6:
		return "private_v6"
	case v6:
		return "v6"
	case in.Shared:
		return "shared_v4"
	}
	return "v4"
}

// DecodeSeed decodes one API response body into a Seed* value, with the
// decoder the simulator's handlers use (numbers stay exact).
func DecodeSeed(body []byte, into any) error {
	if err := decodeJSON(body, into); err != nil {
		return fmt.Errorf("sim: seed: decode %T: %w", into, err)
	}
	return nil
}
