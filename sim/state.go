package sim

import (
	"encoding/json"
	"time"
)

// Org describes an organisation for WithOrgs. The organisation `personal`
// always exists and the caller is a member of it; other organisations exist
// so that scripts and tests can meet the 403 the real API gives for another
// organisation's apps: the caller belongs to an organisation only when
// Member is true.
type Org struct {
	Slug   string // e.g. "acme"
	Name   string // display name; defaults to Slug
	Member bool   // whether the caller's token belongs to this organisation
	Apps   []string
}

// world is everything the simulator knows; it is what --state persists.
type world struct {
	Format   int                   `json:"format"`
	Seq      int64                 `json:"seq"`
	Journal  int64                 `json:"journal,omitempty"` // the last journal record this snapshot holds
	Orgs     map[string]*orgState  `json:"orgs"`
	Apps     map[string]*app       `json:"apps"`
	Machines map[string]*machine   `json:"machines"`
	Volumes  map[string]*volume    `json:"volumes"`
	Postgres map[string]*pgCluster `json:"postgres"`
}

type orgState struct {
	Slug      string `json:"slug"`
	Name      string `json:"name"`
	Member    bool   `json:"member"`
	NumericID int64  `json:"numeric_id"`
}

type app struct {
	ID                string                `json:"id"`
	Name              string                `json:"name"`
	Org               string                `json:"org"`
	Network           string                `json:"network"`
	NumericID         int64                 `json:"numeric_id"`
	CreatedAt         time.Time             `json:"created_at"`
	Seq               int64                 `json:"seq"`
	IdempotencyKey    string                `json:"idempotency_key,omitempty"`
	Role              string                `json:"role,omitempty"` // app_role, e.g. postgres_cluster
	Secrets           map[string]*secret    `json:"secrets"`
	SecretsVersion    int64                 `json:"secrets_version"`
	SecretKeys        map[string]*secretKey `json:"secret_keys"`
	SecretKeysVersion int64                 `json:"secret_keys_version"`
	Certs             map[string]*cert      `json:"certs"`
	IPs               []*ipAssignment       `json:"ips"`
}

type machine struct {
	ID        string     `json:"id"`
	App       string     `json:"app"`
	Name      string     `json:"name"`
	Region    string     `json:"region"`
	State     string     `json:"state"`
	Seq       int64      `json:"seq"`
	Action    string     `json:"action,omitempty"` // the transition in flight
	Steps     []string   `json:"steps,omitempty"`  // states still to come
	StepDue   time.Time  `json:"step_due,omitzero"`
	Versions  []*version `json:"versions"` // oldest first; the last is current
	Events    []*event   `json:"events"`   // oldest first
	Cordoned  bool       `json:"cordoned"`
	Lease     *lease     `json:"lease,omitempty"`
	PrivateIP string     `json:"private_ip"`
	MemoryMB  int        `json:"memory_limit_mb,omitempty"`
	// BootSecrets are the app's secrets as the machine last (re)started
	// with them: a running machine does not see later changes until it is
	// updated or restarted. nil (a state file from before) means the
	// app's current secrets.
	BootSecrets map[string]string `json:"boot_secrets"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
}

type version struct {
	ID        string         `json:"id"`
	Config    map[string]any `json:"config"`
	CreatedAt time.Time      `json:"created_at"`
}

// event is a machine event as the state keeps it and the API answers it:
// the fields of SeedEvent.
type event = SeedEvent

type lease struct {
	Nonce       string    `json:"nonce"`
	Owner       string    `json:"owner"`
	Description string    `json:"description"`
	Version     string    `json:"version"`
	ExpiresAt   time.Time `json:"expires_at"`
}

type volume struct {
	ID                string      `json:"id"`
	App               string      `json:"app"`
	Name              string      `json:"name"`
	Region            string      `json:"region"`
	Zone              string      `json:"zone"`
	State             string      `json:"state"`
	FSType            string      `json:"fstype"`
	SizeGB            int         `json:"size_gb"`
	Encrypted         bool        `json:"encrypted"`
	AutoBackup        bool        `json:"auto_backup_enabled"`
	SnapshotRetention int         `json:"snapshot_retention"`
	AttachedMachine   string      `json:"attached_machine_id,omitempty"`
	Seq               int64       `json:"seq"`
	CreatedAt         time.Time   `json:"created_at"`
	UpdatedAt         time.Time   `json:"updated_at"`
	Snapshots         []*snapshot `json:"snapshots"`
}

type snapshot struct {
	ID            string    `json:"id"`
	Digest        string    `json:"digest"`
	Size          int64     `json:"size"`
	VolumeSize    int       `json:"volume_size"`
	RetentionDays int       `json:"retention_days"`
	CreatedAt     time.Time `json:"created_at"`
	DoneAt        time.Time `json:"done_at"`
}

type secret struct {
	Name      string    `json:"name"`
	Value     string    `json:"value"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type secretKey struct {
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Key       []byte    `json:"key"`
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type cert struct {
	Hostname   string    `json:"hostname"`
	ACME       bool      `json:"acme"`
	Custom     bool      `json:"custom"`
	Validated  bool      `json:"validated"`
	CustomCA   string    `json:"custom_ca,omitempty"`
	CustomType string    `json:"custom_type,omitempty"`
	CustomExp  time.Time `json:"custom_expires_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Seq        int64     `json:"seq"`
}

type ipAssignment struct {
	IP          string    `json:"ip"`
	Type        string    `json:"type"`
	Region      string    `json:"region"`
	Shared      bool      `json:"shared"`
	Egress      bool      `json:"egress"`
	ServiceName string    `json:"service_name,omitempty"`
	Network     string    `json:"network,omitempty"`
	Org         string    `json:"org"`
	PairV4      string    `json:"pair_v4,omitempty"`
	PairV6      string    `json:"pair_v6,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

type pgCluster struct {
	ID          string               `json:"id"`
	Name        string               `json:"name"`
	Org         string               `json:"org"`
	Region      string               `json:"region"`
	Plan        string               `json:"plan"`
	PGVersion   string               `json:"pg_major_version"`
	DiskGB      int                  `json:"disk_size_gb"`
	PostGIS     bool                 `json:"postgis_enabled"`
	CreatedAt   time.Time            `json:"created_at"`
	ReadyAt     time.Time            `json:"ready_at"`
	DeletedAt   time.Time            `json:"deleted_at,omitzero"`
	Seq         int64                `json:"seq"`
	Attached    map[string]time.Time `json:"attached"`
	Databases   []string             `json:"databases"`
	Extensions  map[string][]string  `json:"extensions"` // database -> enabled extensions
	Users       map[string]*pgUser   `json:"users"`
	Backups     []*pgBackup          `json:"backups"`
	Host        string               `json:"host"`
	PasswordSeq int64                `json:"password_seq"`
}

type pgUser struct {
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

type pgBackup struct {
	ID        string    `json:"id"`
	Type      string    `json:"type"`
	StartedAt time.Time `json:"started_at"`
	DoneAt    time.Time `json:"done_at"`
	SizeBytes int64     `json:"size_bytes"`
}

func newWorld() *world {
	return &world{
		Format:   1,
		Orgs:     map[string]*orgState{},
		Apps:     map[string]*app{},
		Machines: map[string]*machine{},
		Volumes:  map[string]*volume{},
		Postgres: map[string]*pgCluster{},
	}
}

// nextSeq numbers objects in creation order, which is the order of every list.
func (w *world) nextSeq() int64 {
	w.Seq++
	return w.Seq
}

// current returns the machine's current version.
func (m *machine) current() *version { return m.Versions[len(m.Versions)-1] }

// config returns the current configuration (never nil).
func (m *machine) config() map[string]any {
	v := m.current()
	if v.Config == nil {
		v.Config = map[string]any{}
	}
	return v.Config
}

// cloneJSON deep-copies a JSON-shaped value.
func cloneJSON(v map[string]any) map[string]any {
	if v == nil {
		return nil
	}
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = decodeJSON(b, &out)
	return out
}
