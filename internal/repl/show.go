package repl

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/termtext"
)

// How the prompt prints the values people look at most: a list of records
// as a table of a few columns (like `fly machine list`), one record as its
// summary and the fields a person reads, a module or an app handle as one
// line. The whole value stays one call away: inspect(_).

// column is one column of a list of records: its heading and the dotted
// path of the field it shows.
type column struct{ title, path string }

// listColumns are the columns of lists of records, by the record
// metatable's __name.
var listColumns = map[string][]column{
	"fly.machine": {{"ID", "id"}, {"NAME", "name"}, {"REGION", "region"}, {"STATE", "state"}, {"IMAGE", "config.image"}, {"UPDATED", "updated_at"}},
	"fly.volume":  {{"ID", "id"}, {"NAME", "name"}, {"REGION", "region"}, {"SIZE", "size_gb"}, {"STATE", "state"}, {"ATTACHED", "attached_machine_id"}},
	"fly.app":     {{"NAME", "name"}, {"ORG", "organization.slug"}, {"STATUS", "status"}},
	"fly.event":   {{"TIME", "timestamp"}, {"TYPE", "type"}, {"STATUS", "status"}, {"SOURCE", "source"}},
}

// recordFields are the fields shown under a record's summary, by __name;
// kinds not listed show their top-level fields, nested tables as {...}.
var recordFields = map[string][]column{
	"fly.machine": {{"id", "id"}, {"name", "name"}, {"state", "state"}, {"region", "region"},
		{"image", "config.image"}, {"guest", "config.guest"}, {"version", "version"},
		{"private_ip", "private_ip"}, {"created_at", "created_at"}, {"updated_at", "updated_at"}},
}

// moreHint ends a short form: where the rest is.
const moreHint = "(inspect(_) shows every field)"

// recordName is the __name of a fly record's metatable ("fly.machine"), or
// "" when t is not a record.
func recordName(L *lua.LState, t *lua.LTable) string {
	mt, ok := L.GetMetatable(t).(*lua.LTable)
	if !ok || mt.RawGetString("__tostring") == lua.LNil {
		return ""
	}
	name, _ := mt.RawGetString("__name").(lua.LString)
	if !strings.HasPrefix(string(name), "fly.") || name == "fly.error" {
		return ""
	}
	return string(name)
}

// field reads a dotted path from t, filling lazy members on the way.
func field(t *lua.LTable, path string) lua.LValue { return lazy.Path(t, path) }

// cell is the text of a value in a table cell or a field line.
func cell(path string, v lua.LValue) string {
	switch x := v.(type) {
	case *lua.LNilType:
		return "-"
	case lua.LString:
		return termtext.Printable(string(x))
	case lua.LNumber:
		if path == "timestamp" && float64(x) > 1e11 { // event times are milliseconds
			return time.UnixMilli(int64(x)).UTC().Format(time.RFC3339)
		}
		s := strconv.FormatFloat(float64(x), 'f', -1, 64)
		if path == "size_gb" {
			s += "GB"
		}
		return s
	case *lua.LTable:
		if path == "config.guest" {
			return guestText(x)
		}
		return "{...}"
	}
	return v.String()
}

// guestText is a machine size as people say it: "shared 1 CPU, 256 MB".
func guestText(g *lua.LTable) string {
	kind, cpus, mem := field(g, "cpu_kind"), field(g, "cpus"), field(g, "memory_mb")
	var parts []string
	if kind != lua.LNil || cpus != lua.LNil {
		parts = append(parts, strings.TrimSpace(cell("", kind)+" "+cell("", cpus)+" CPU"))
	}
	if mem != lua.LNil {
		parts = append(parts, cell("", mem)+" MB")
	}
	return strings.Join(parts, ", ")
}

// recordList reports whether t is a non-empty list of records of one kind,
// and which.
func recordList(L *lua.LState, t *lua.LTable) (string, bool) {
	n := t.Len()
	if n == 0 {
		return "", false
	}
	kind := ""
	for i := 1; i <= n; i++ {
		r, ok := t.RawGetInt(i).(*lua.LTable)
		if !ok {
			return "", false
		}
		k := recordName(L, r)
		if k == "" || (kind != "" && k != kind) {
			return "", false
		}
		kind = k
	}
	if k, _ := t.Next(lua.LNil); k == lua.LNil {
		return "", false
	}
	extra := false
	t.ForEach(func(k, _ lua.LValue) {
		if i, ok := k.(lua.LNumber); !ok || float64(i) < 1 || float64(i) > float64(n) {
			extra = true
		}
	})
	return kind, !extra
}

// showList renders a list of records as a table, or one summary a line for
// kinds without columns.
func showList(L *lua.LState, t *lua.LTable, kind string) string {
	n := t.Len()
	cols, ok := listColumns[kind]
	if !ok {
		lines := make([]string, n)
		for i := 1; i <= n; i++ {
			lines[i-1] = termtext.Printable(L.ToStringMeta(t.RawGetInt(i)).String())
		}
		return strings.Join(lines, "\n")
	}
	rows := make([][]string, n+1)
	rows[0] = make([]string, len(cols))
	for j, c := range cols {
		rows[0][j] = c.title
	}
	for i := 1; i <= n; i++ {
		r := t.RawGetInt(i).(*lua.LTable)
		row := make([]string, len(cols))
		for j, c := range cols {
			row[j] = cell(c.path, field(r, c.path))
		}
		rows[i] = row
	}
	widths := make([]int, len(cols))
	for _, row := range rows {
		for j, s := range row {
			widths[j] = max(widths[j], utf8.RuneCountInString(s))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		var line strings.Builder
		for j, s := range row {
			if j > 0 {
				line.WriteString("  ")
			}
			line.WriteString(s)
			if j < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s)))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "(%d %s%s; inspect(_) shows every field)", n, strings.TrimPrefix(kind, "fly."), plural(n))
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// showRecord renders one record: its summary, then the fields a person
// reads.
func showRecord(L *lua.LState, t *lua.LTable, kind string, inspect func(lua.LValue) string) string {
	summary := termtext.Printable(L.ToStringMeta(t).String())
	cols, ok := recordFields[kind]
	if !ok {
		return summary + "\n" + inspect(shallowCopy(t)) + "\n" + moreHint
	}
	width := 0
	for _, c := range cols {
		width = max(width, len(c.title))
	}
	var b strings.Builder
	b.WriteString(summary)
	for _, c := range cols {
		v := field(t, c.path)
		if v == lua.LNil {
			continue
		}
		fmt.Fprintf(&b, "\n  %-*s  %s", width, c.title, cell(c.path, v))
	}
	b.WriteString("\n" + moreHint)
	return b.String()
}

// moduleKeys reports whether t is a module: a table of functions (and of
// tables of functions), or an app handle (which also holds its name); it
// returns its keys, sorted.
func moduleKeys(t *lua.LTable, depth int) ([]string, bool) {
	if depth > 3 {
		return nil, false
	}
	if lazy.Force(t) != nil { // namespaces built on first access
		return nil, false
	}
	var keys []string
	funcs, ok := 0, true
	t.ForEach(func(k, v lua.LValue) {
		ks, isStr := k.(lua.LString)
		if !isStr {
			ok = false
			return
		}
		switch x := v.(type) {
		case *lua.LFunction:
			funcs++
		case *lua.LTable:
			if _, sub := moduleKeys(x, depth+1); !sub {
				ok = false
			}
			funcs++
		case lua.LString:
			if ks != "name" {
				ok = false
			}
		case *lua.LUserData: // json.null
		default:
			ok = false
		}
		keys = append(keys, string(ks))
	})
	sort.Strings(keys)
	return keys, ok && funcs > 0
}

// showModule is the one line of a module or an app handle.
func showModule(L *lua.LState, t *lua.LTable, keys []string) string {
	if name, ok := t.RawGetString("name").(lua.LString); ok && t.RawGetString("machines") != lua.LNil {
		var ns []string
		for _, k := range keys {
			if k != "name" {
				ns = append(ns, k)
			}
		}
		return fmt.Sprintf("<app handle %q: %s>", string(name), strings.Join(ns, ", "))
	}
	list := strings.Join(keys, ", ")
	if len(list) > 60 {
		list = fmt.Sprintf("%d entries", len(keys))
	}
	name := globalName(L, t)
	if name == "" {
		return fmt.Sprintf("<module: %s>", list)
	}
	return fmt.Sprintf("<module %s: %s; help(%q)>", name, list, name)
}

// globalName finds t among the globals and their fields: "fly.machines".
func globalName(L *lua.LState, t *lua.LTable) string {
	name := ""
	L.G.Global.ForEach(func(k, v lua.LValue) {
		ks, ok := k.(lua.LString)
		if !ok || name != "" || ks == "_" {
			return
		}
		if v == t {
			name = string(ks)
			return
		}
		if sub, ok := v.(*lua.LTable); ok && string(ks) == "fly" {
			sub.ForEach(func(k2, v2 lua.LValue) {
				if v2 == t && name == "" {
					name = string(ks) + "." + k2.String()
				}
			})
		}
	})
	return name
}
