package bindings

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// recordKind says how a record of one schema prints: its kind and the
// fields shown, in order ("size_gb" is shown as "10GB").
type recordKind struct {
	kind   string
	fields []string
}

// recordKinds maps response schemas to record kinds. Records are plain
// tables (pairs, json.encode and inspect work) sharing one metatable per
// kind whose __tostring is a one-line summary: <machine 3d8d9a1c5e6f87 web ord started>.
// Their objects and arrays are decoded on first access (lazyRecord), through
// the metatable's __index; nothing a script can do tells them from records
// decoded whole.
var recordKinds = map[string]recordKind{
	"App":                    {"app", []string{"name", "organization.slug", "status"}},
	"CertificateDetail":      {"certificate", []string{"hostname", "status"}},
	"CertificateSummary":     {"certificate", []string{"hostname", "status"}},
	"IPAssignment":           {"ip", []string{"ip", "region", "service_name"}},
	"Lease":                  {"lease", []string{"owner", "description", "expires_at"}},
	"Machine":                {"machine", []string{"id", "name", "region", "state"}},
	"MachineEvent":           {"event", []string{"id", "type", "status", "source"}},
	"OrgMachine":             {"machine", []string{"id", "name", "app_name", "region", "state"}},
	"OrgVolume":              {"volume", []string{"id", "name", "app_name", "region", "size_gb", "state"}},
	"PostgresCluster":        {"postgres", []string{"id", "name", "region", "status"}},
	"PostgresClusterSummary": {"postgres", []string{"id", "name", "region", "status"}},
	"AppSecret":              {"secret", []string{"name", "digest"}},
	"SecretKey":              {"secretkey", []string{"name", "type"}},
	"Volume":                 {"volume", []string{"id", "name", "region", "size_gb", "state"}},
	"VolumeSnapshot":         {"snapshot", []string{"id", "status", "size"}},
}

// RecordKind returns the record kind ("machine", "volume", ...) of a
// response schema, or "" when objects of that schema are plain tables.
func RecordKind(schema string) string { return recordKinds[schema].kind }

// recordMeta returns this VM's shared metatable for a schema's records,
// creating it on first use, or nil when the schema is not a record.
func (f *Fly) recordMeta(schema string) *lua.LTable {
	rk, ok := recordKinds[schema]
	if !ok {
		return nil
	}
	if mt, ok := f.records[schema]; ok {
		return mt
	}
	L := f.vm
	mt := L.NewTable()
	mt.RawSetString("__name", lua.LString("fly."+rk.kind))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			L.Push(lua.LString("<" + rk.kind + ">"))
			return 1
		}
		L.Push(lua.LString(recordString(rk, t)))
		return 1
	}))
	if f.lazy != nil {
		f.lazy.Prepare(mt)
	}
	f.records[schema] = mt
	return mt
}

// recordString is the one-line form of a record.
func recordString(rk recordKind, t *lua.LTable) string {
	var b strings.Builder
	b.WriteByte('<')
	b.WriteString(rk.kind)
	for _, field := range rk.fields {
		v := lookupPath(t, field)
		var s string
		switch x := v.(type) {
		case lua.LString:
			s = string(x)
		case lua.LNumber:
			s = strconv.FormatFloat(float64(x), 'f', -1, 64)
			if field == "size_gb" {
				s += "GB"
			}
		case lua.LBool:
			s = x.String()
		}
		if s == "" {
			continue
		}
		b.WriteByte(' ')
		b.WriteString(s)
	}
	b.WriteByte('>')
	return b.String()
}

// lookupPath reads "organization.slug" from t, decoding a member kept
// aside on the way.
func lookupPath(t *lua.LTable, field string) lua.LValue { return lazy.Path(t, field) }
