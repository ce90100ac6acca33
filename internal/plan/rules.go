package plan

import "strings"

// mode is how the overlay serves one operation.
type mode int

const (
	// shadowRead: seed what the operation reads, then answer from the shadow.
	shadowRead mode = iota
	// shadowChange: seed what the operation touches, apply it to the shadow
	// and record it as a Change.
	shadowChange
	// upstreamRead: a GET the shadow does not model, passed to the real API
	// as it is.
	upstreamRead
	// refused: answered with a `not_planned` error naming the operation.
	refused
	// waitRead: a machine wait, decided at once (see wait.go).
	waitRead
)

// need is what must be seeded in the shadow before an operation runs there.
type need int

const (
	needApp need = 1 << iota
	needMachines
	needMachine
	needLease
	needVolumes
	needSecrets
	needCerts
	needIPs
	needAppInBody // POST /v1/apps: the app named in the body
)

// rule is the overlay's treatment of one operation of the document.
type rule struct {
	mode  mode
	needs need
	kind  string // the change's kind in the summary: create, update, stop, ...
	why   string // why a refused operation cannot be planned
}

const (
	whyToken    = "it would mint or check a real token"
	whyPostgres = "the plan does not model Managed Postgres"
	whyKeys     = "secret keys' material is never read in a plan"
	whyExec     = "it runs a command inside a production machine, whose output cannot be known without running it"
)

// rules holds every operation of the OpenAPI document, keyed by
// "METHOD /path" (TestRulesCoverTheDocument holds it to the document).
var rules = map[string]rule{
	// Apps
	"GET /v1/apps":                          {mode: shadowRead},
	"POST /v1/apps":                         {mode: shadowChange, needs: needAppInBody, kind: "create"},
	"GET /v1/apps/{app_name}":               {mode: shadowRead, needs: needApp},
	"DELETE /v1/apps/{app_name}":            {mode: shadowChange, needs: needApp | needMachines | needVolumes, kind: "destroy"},
	"POST /v1/apps/{app_name}/deploy_token": {mode: refused, why: whyToken},
	// IP assignments
	"GET /v1/apps/{app_name}/ip_assignments":         {mode: shadowRead, needs: needApp | needIPs},
	"POST /v1/apps/{app_name}/ip_assignments":        {mode: shadowChange, needs: needApp | needIPs, kind: "create"},
	"DELETE /v1/apps/{app_name}/ip_assignments/{ip}": {mode: shadowChange, needs: needApp | needIPs, kind: "destroy"},
	// Certificates
	"GET /v1/apps/{app_name}/certificates":                      {mode: shadowRead, needs: needApp | needCerts},
	"POST /v1/apps/{app_name}/certificates/acme":                {mode: shadowChange, needs: needApp | needCerts | needIPs, kind: "create"},
	"POST /v1/apps/{app_name}/certificates/custom":              {mode: shadowChange, needs: needApp | needCerts | needIPs, kind: "create"},
	"GET /v1/apps/{app_name}/certificates/{hostname}":           {mode: shadowRead, needs: needApp | needCerts | needIPs},
	"DELETE /v1/apps/{app_name}/certificates/{hostname}":        {mode: shadowChange, needs: needApp | needCerts, kind: "destroy"},
	"DELETE /v1/apps/{app_name}/certificates/{hostname}/acme":   {mode: shadowChange, needs: needApp | needCerts | needIPs, kind: "destroy"},
	"POST /v1/apps/{app_name}/certificates/{hostname}/check":    {mode: shadowChange, needs: needApp | needCerts | needIPs, kind: "check"},
	"DELETE /v1/apps/{app_name}/certificates/{hostname}/custom": {mode: shadowChange, needs: needApp | needCerts | needIPs, kind: "destroy"},
	"GET /v1/apps/{app_name}/machines":                          {mode: shadowRead, needs: needApp | needMachines},
	"POST /v1/apps/{app_name}/machines":                         {mode: shadowChange, needs: needApp | needMachines | needVolumes, kind: "create"},
	"GET /v1/apps/{app_name}/machines/{machine_id}":             {mode: shadowRead, needs: needApp | needMachine},
	"POST /v1/apps/{app_name}/machines/{machine_id}":            {mode: shadowChange, needs: needApp | needMachine | needLease | needVolumes, kind: "update"},
	"DELETE /v1/apps/{app_name}/machines/{machine_id}":          {mode: shadowChange, needs: needApp | needMachine | needLease | needVolumes, kind: "destroy"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/cordon":     {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "cordon"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/uncordon":   {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "uncordon"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/events":      {mode: shadowRead, needs: needApp | needMachine},
	"POST /v1/apps/{app_name}/machines/{machine_id}/exec":       {mode: refused, why: whyExec},
	"GET /v1/apps/{app_name}/machines/{machine_id}/lease":       {mode: shadowRead, needs: needApp | needMachine | needLease},
	"POST /v1/apps/{app_name}/machines/{machine_id}/lease":      {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "lease"},
	"DELETE /v1/apps/{app_name}/machines/{machine_id}/lease":    {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "lease"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/memory":      {mode: shadowRead, needs: needApp | needMachine},
	"PUT /v1/apps/{app_name}/machines/{machine_id}/memory":      {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "memory change"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/memory/reclaim": {
		mode: shadowChange, needs: needApp | needMachine | needLease, kind: "memory reclaim"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/metadata":          {mode: shadowRead, needs: needApp | needMachine},
	"PUT /v1/apps/{app_name}/machines/{machine_id}/metadata":          {mode: shadowChange, needs: needApp | needMachine, kind: "metadata change"},
	"PATCH /v1/apps/{app_name}/machines/{machine_id}/metadata":        {mode: shadowChange, needs: needApp | needMachine, kind: "metadata change"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}":    {mode: shadowRead, needs: needApp | needMachine},
	"POST /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}":   {mode: shadowChange, needs: needApp | needMachine, kind: "metadata change"},
	"DELETE /v1/apps/{app_name}/machines/{machine_id}/metadata/{key}": {mode: shadowChange, needs: needApp | needMachine, kind: "metadata change"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/ps":                {mode: upstreamRead},
	"POST /v1/apps/{app_name}/machines/{machine_id}/restart":          {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "restart"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/signal":           {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "signal"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/start":            {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "start"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/stop":             {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "stop"},
	"POST /v1/apps/{app_name}/machines/{machine_id}/suspend":          {mode: shadowChange, needs: needApp | needMachine | needLease, kind: "suspend"},
	"GET /v1/apps/{app_name}/machines/{machine_id}/versions":          {mode: shadowRead, needs: needApp | needMachine},
	"GET /v1/apps/{app_name}/machines/{machine_id}/wait":              {mode: waitRead, needs: needApp | needMachine},
	// Secret keys: their material is never read, so only reads pass.
	"GET /v1/apps/{app_name}/secretkeys":                               {mode: upstreamRead},
	"GET /v1/apps/{app_name}/secretkeys/{secret_name}":                 {mode: upstreamRead},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}":                {mode: refused, why: whyKeys},
	"DELETE /v1/apps/{app_name}/secretkeys/{secret_name}":              {mode: refused, why: whyKeys},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}/decrypt":        {mode: refused, why: whyKeys},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}/encrypt":        {mode: refused, why: whyKeys},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}/generate":       {mode: refused, why: whyKeys},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}/sign":           {mode: refused, why: whyKeys},
	"POST /v1/apps/{app_name}/secretkeys/{secret_name}/verify":         {mode: refused, why: whyKeys},
	"GET /v1/apps/{app_name}/secrets":                                  {mode: shadowRead, needs: needApp | needSecrets},
	"POST /v1/apps/{app_name}/secrets":                                 {mode: shadowChange, needs: needApp | needSecrets, kind: "secrets change"},
	"GET /v1/apps/{app_name}/secrets/{secret_name}":                    {mode: shadowRead, needs: needApp | needSecrets},
	"POST /v1/apps/{app_name}/secrets/{secret_name}":                   {mode: shadowChange, needs: needApp | needSecrets, kind: "secrets change"},
	"DELETE /v1/apps/{app_name}/secrets/{secret_name}":                 {mode: shadowChange, needs: needApp | needSecrets, kind: "secrets change"},
	"GET /v1/apps/{app_name}/volumes":                                  {mode: shadowRead, needs: needApp | needVolumes},
	"POST /v1/apps/{app_name}/volumes":                                 {mode: shadowChange, needs: needApp | needVolumes, kind: "create"},
	"GET /v1/apps/{app_name}/volumes/{volume_id}":                      {mode: shadowRead, needs: needApp | needVolumes},
	"PUT /v1/apps/{app_name}/volumes/{volume_id}":                      {mode: shadowChange, needs: needApp | needVolumes, kind: "update"},
	"DELETE /v1/apps/{app_name}/volumes/{volume_id}":                   {mode: shadowChange, needs: needApp | needVolumes | needMachines, kind: "destroy"},
	"PUT /v1/apps/{app_name}/volumes/{volume_id}/extend":               {mode: shadowChange, needs: needApp | needVolumes, kind: "extend"},
	"GET /v1/apps/{app_name}/volumes/{volume_id}/snapshots":            {mode: upstreamRead},
	"POST /v1/apps/{app_name}/volumes/{volume_id}/snapshots":           {mode: shadowChange, needs: needApp | needVolumes, kind: "snapshot"},
	"GET /v1/orgs/{org_slug}/machines":                                 {mode: upstreamRead},
	"GET /v1/orgs/{org_slug}/volumes":                                  {mode: upstreamRead},
	"POST /v1/platform/placements":                                     {mode: shadowRead},
	"GET /v1/platform/regions":                                         {mode: upstreamRead},
	"GET /v1/postgres":                                                 {mode: upstreamRead},
	"POST /v1/postgres":                                                {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}":                           {mode: upstreamRead},
	"DELETE /v1/postgres/{postgres_cluster_id}":                        {mode: refused, why: whyPostgres},
	"POST /v1/postgres/{postgres_cluster_id}/attachments":              {mode: refused, why: whyPostgres},
	"DELETE /v1/postgres/{postgres_cluster_id}/attachments/{app_name}": {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/backups":                   {mode: upstreamRead},
	"POST /v1/postgres/{postgres_cluster_id}/backups":                  {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/databases":                 {mode: upstreamRead},
	"POST /v1/postgres/{postgres_cluster_id}/databases":                {mode: refused, why: whyPostgres},
	"DELETE /v1/postgres/{postgres_cluster_id}/databases/{database_name}": {
		mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions": {
		mode: upstreamRead},
	"POST /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions": {
		mode: refused, why: whyPostgres},
	"DELETE /v1/postgres/{postgres_cluster_id}/databases/{database_name}/extensions/{extension_name}": {
		mode: refused, why: whyPostgres},
	"POST /v1/postgres/{postgres_cluster_id}/fork":                             {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/queries/active":                    {mode: upstreamRead},
	"GET /v1/postgres/{postgres_cluster_id}/queries/slow":                      {mode: upstreamRead},
	"POST /v1/postgres/{postgres_cluster_id}/restore":                          {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/users":                             {mode: upstreamRead},
	"POST /v1/postgres/{postgres_cluster_id}/users":                            {mode: refused, why: whyPostgres},
	"DELETE /v1/postgres/{postgres_cluster_id}/users/{username}":               {mode: refused, why: whyPostgres},
	"PATCH /v1/postgres/{postgres_cluster_id}/users/{username}":                {mode: refused, why: whyPostgres},
	"GET /v1/postgres/{postgres_cluster_id}/users/{username}/credentials":      {mode: refused, why: "it reads a database password"},
	"POST /v1/postgres/{postgres_cluster_id}/users/{username}/rotate_password": {mode: refused, why: whyPostgres},
	"POST /v1/tokens/authenticate":                                             {mode: refused, why: whyToken},
	"POST /v1/tokens/authorize":                                                {mode: refused, why: whyToken},
	"GET /v1/tokens/current":                                                   {mode: upstreamRead},
	"POST /v1/tokens/kms":                                                      {mode: refused, why: whyToken},
	"POST /v1/tokens/oidc":                                                     {mode: refused, why: whyToken},
}

// params matches a concrete path against a document pattern's path and
// returns the values of its {names}.
func params(pattern, path string) map[string]string {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	out := map[string]string{}
	if len(ps) != len(xs) {
		return out
	}
	for i, p := range ps {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			out[p[1:len(p)-1]] = xs[i]
		}
	}
	return out
}
