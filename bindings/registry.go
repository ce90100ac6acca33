package bindings

import (
	"sort"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Func describes one function of the fly Lua module. The registry of Funcs
// is the single description of the API: the bindings are installed from it,
// and the REPL's help and completion, the editor definitions (fly.d.lua) and
// the API reference are generated from it.
type Func struct {
	// Name is the qualified Lua name: "fly.machines.stop".
	Name string
	// Doc is a one-line description.
	Doc string
	// Params are the positional parameters, in order.
	Params []Param
	// Returns are the values returned, in order.
	Returns []Value
	// Ops are the REST operations the function calls, as the document writes
	// them: "POST /v1/apps/{app_name}/machines/{machine_id}/stop".
	Ops []string
	// AppScoped functions act on the default app and are also found on app
	// handles (fly.app("api").machines.list()).
	AppScoped bool
	// Example is Lua showing a typical call, for help() and the reference;
	// empty when the signature says it all.
	Example string

	impl    handler // custom implementation; nil: the generic REST call
	unwrap  string  // envelope field holding the answer ("apps", "data")
	paging  paging  // how further pages are found when opts.limit is absent
	opts    optSpec // what the options table accepts
	noValue bool    // the answer carries nothing to return
}

// Param is one positional parameter of a Func.
type Param struct {
	// Name is the parameter's name in the docs: "id", "body", "opts".
	Name string
	// Type is a LuaLS type: "string", "integer", "fly.CreateMachineRequest",
	// "string|string[]", "fun(lease: fly.Lease): any".
	Type string
	// Optional is set when the parameter may be nil.
	Optional bool
	// Doc is a short description.
	Doc string
	// Schema names the OpenAPI component schema a table parameter is
	// validated against ("CreateMachineRequest"), when there is one.
	Schema string
	// In says where the value goes in the request: "path:machine_id",
	// "body" (the whole body), "body:size_gb" (one body field),
	// "query:database", "opts" (the options table, see Func.Options), or
	// "lua" (used by the binding itself).
	In string
}

// Value is one returned value of a Func.
type Value struct {
	// Name is a short name for the docs ("machine", "ok").
	Name string
	// Type is a LuaLS type: "fly.Machine", "fly.Machine[]", "boolean".
	Type string
	// Doc is a short description.
	Doc string
}

// Field is one key of an options table.
type Field struct {
	// Name is the key.
	Name string
	// Type is a LuaLS type; "duration" means a number of seconds or a Go
	// duration string ("90s", "2m").
	Type string
	// Doc is a short description.
	Doc string
	// Default is the value used when the key is absent, in Lua syntax ("60",
	// `"personal"`), empty when the API decides.
	Default string

	in   string   // "query", "body", "header" (the lease nonce), "local"
	enc  string   // durations: "seconds" or "string"
	enum []string // the values accepted (comma-separated lists and arrays of them too), checked before sending
	def  lua.LValue
}

// MachineStates are the states a machine can be in. Persistent: created,
// started, stopped, suspended, failed. Transient: creating, starting,
// stopping, restarting, suspending, destroying, updating, replacing,
// launch_failed. Terminal: destroyed (and failed until someone acts, see
// client.TerminalStates); replaced and migrated are seen only on old
// versions.
var MachineStates = []string{
	"created", "creating", "destroyed", "destroying", "failed", "launch_failed", "migrated",
	"replaced", "replacing", "restarting", "started", "starting", "stopped", "stopping",
	"suspended", "suspending", "updating",
}

// stateFilter is the state option of machine lists, checked against
// MachineStates so that a typo raises instead of matching nothing.
var stateFilter = Field{Name: "state", Type: "string|string[]", Doc: "only machines in these states (comma-separated or a list)", enum: MachineStates}

// Options returns the keys the function's options table accepts (the
// operation's query parameters, body fields passed as options, and the
// binding's own), sorted by name. It reads the OpenAPI document on first use.
func (f Func) Options() []Field {
	if fields := optionFields(&f); fields != nil {
		out := make([]Field, 0, len(fields))
		for _, fl := range fields {
			out = append(out, *fl)
		}
		return out
	}
	return nil
}

// handler is a custom binding: it checks the arguments, performs the call
// through Fly.do and pushes the results.
type handler func(f *Fly, L *lua.LState, fn *Func, app string) int

// paging says how a collection's further pages are found.
type paging int

const (
	pageNone   paging = iota
	pageHeader        // the fly-next-cursor response header
	pageBody          // the answer's next_cursor field
)

// optSpec describes an options table.
type optSpec struct {
	query bool     // the first operation's query parameters
	body  bool     // the body schema's fields
	omit  []string // query parameters not offered
	extra []Field  // the binding's own options, or overrides by name
}

func (o optSpec) any() bool { return o.query || o.body || len(o.extra) > 0 }

// namespaces lists every namespace file's entries; each file contributes one
// sorted slice.
var namespaces = [][]Func{
	appsFuncs, certificatesFuncs, ipsFuncs, leasesFuncs, machinesFuncs,
	metadataFuncs, orgsFuncs, platformFuncs, postgresFuncs, secretkeysFuncs,
	secretsFuncs, tokensFuncs, topFuncs, volumesFuncs,
}

var (
	registryOnce  sync.Once
	registryFuncs []*Func
	registryByKey map[string]*Func
)

func registry() []*Func {
	registryOnce.Do(func() {
		registryByKey = map[string]*Func{}
		for _, ns := range namespaces {
			for i := range ns {
				fn := &ns[i]
				if _, dup := registryByKey[fn.Name]; dup {
					panic("bindings: " + fn.Name + " registered twice")
				}
				registryByKey[fn.Name] = fn
				registryFuncs = append(registryFuncs, fn)
			}
		}
		sort.Slice(registryFuncs, func(i, j int) bool { return registryFuncs[i].Name < registryFuncs[j].Name })
	})
	return registryFuncs
}

// Registry returns every function of the fly module, sorted by name. The
// result is a copy: changing it changes nothing.
func Registry() []Func {
	fns := registry()
	out := make([]Func, len(fns))
	for i, fn := range fns {
		out[i] = *fn
		out[i].Params = append([]Param(nil), fn.Params...)
		out[i].Returns = append([]Value(nil), fn.Returns...)
		out[i].Ops = append([]string(nil), fn.Ops...)
	}
	return out
}

// Lookup returns the registered function with the qualified name, or false.
func Lookup(name string) (Func, bool) {
	registry()
	fn, ok := registryByKey[name]
	if !ok {
		return Func{}, false
	}
	return *fn, true
}

// AppNamespaces are the namespaces that act on an app: on the default app
// under fly, and on another app under a handle from fly.app(name).
var AppNamespaces = []string{"certificates", "ips", "leases", "machines", "metadata", "secretkeys", "secrets", "volumes"}

// ClassName is the LuaLS class generated for an OpenAPI component schema:
// "Machine" is "fly.Machine", "fly.MachineConfig" stays as it is.
func ClassName(schema string) string {
	if strings.HasPrefix(schema, "fly.") {
		return schema
	}
	return "fly." + schema
}

// short helpers for the namespace tables

func idParam(name, in, doc string) Param {
	return Param{Name: name, Type: "string", Doc: doc, In: in}
}

// refParam is an identifier parameter that a record of type rec may stand
// in for (see refFields).
func refParam(name, in, rec, doc string) Param {
	return Param{Name: name, Type: "string|" + rec, Doc: doc + " (or the " + rec + " record)", In: in}
}

func bodyParam(schema string, optional bool, doc string) Param {
	return Param{Name: "body", Type: ClassName(schema), Optional: optional, Doc: doc, Schema: schema, In: "body"}
}

func optsParam(doc string) Param {
	if doc == "" {
		doc = "options"
	}
	return Param{Name: "opts", Type: "table", Optional: true, Doc: doc, In: "opts"}
}

func ret(name, typ, doc string) []Value { return []Value{{Name: name, Type: typ, Doc: doc}} }

// nonceOpt is the lease nonce option of machine mutations.
var nonceOpt = Field{Name: "nonce", Type: "string", Doc: "lease nonce to send (set for you inside fly.leases.with)", in: "header"}
