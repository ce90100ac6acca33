// Package bindings is the fly Lua module: every operation of the Fly
// Machines API as a Lua function (fly.machines.create, fly.volumes.extend,
// ...), plus fly.use, fly.app, fly.request, fly.leases.with, and the
// cooperative tasks fly.spawn and fly.parallel.
//
// Every API call of every function goes through one path (Fly.do): outside
// a task it blocks under the Lua state's context; inside a task it yields
// the coroutine while the request runs on a goroutine, and the VM's
// scheduler resumes the coroutine with the answer.
//
// One registry (Registry) describes every function: its parameters, returns,
// options and REST operations. The bindings are installed from it, and the
// REPL's help, the editor definitions and the API reference are generated
// from it. Bodies and options are validated against the embedded OpenAPI
// document's schemas, which are decoded lazily, once per process, on the
// first call that needs them.
//
// Open installs one binding instance into one Lua state; nothing is shared
// between states but the immutable registry and schema index.
package bindings

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lazy"
	flylua "github.com/flyscript/flyscript/lua"
	"github.com/flyscript/flyscript/stdlib"
)

// Config configures the fly module of one Lua state.
type Config struct {
	// Client performs the API calls. A nil Client makes every call fail
	// with an error saying so (the module can still be inspected).
	Client *client.Client
	// App is the default app of the app-scoped namespaces (from --app or
	// FLY_APP_NAME); fly.use(name) changes it.
	App string
	// Stderr receives warnings (a lease refresh that failed). Nil discards them.
	Stderr io.Writer
	// Progress is set when Stderr is a terminal, so progress bars may be drawn.
	Progress bool
	// Clock, when set, replaces the wall clock for time.sleep (in tasks
	// too) and the lease refreshes of fly.leases.with: the virtual time of
	// `flyscript test`. Nil means real time.
	Clock Clock
}

// Clock is a source of time other than the wall clock (Config.Clock).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep returns once d has passed on the clock, or ctx's error.
	Sleep(ctx context.Context, d time.Duration) error
	// Ticker ticks every d until stop is called. A zero time on the channel
	// is a barrier, not a tick: the ticker sends one after each tick to learn
	// that the refresh it caused has been answered.
	Ticker(d time.Duration) (ticks <-chan time.Time, stop func())
}

// Fly is the fly module installed in one Lua state. It belongs to the
// goroutine that runs that state.
type Fly struct {
	vm       *lua.LState
	client   *client.Client
	app      string
	stderr   io.Writer
	progress bool

	module  *lua.LTable
	handles map[string]*lua.LTable // app name -> handle table
	records map[string]*lua.LTable // schema name -> record metatable
	errMeta *lua.LTable
	leases  map[string][]*keeper // "app/machine" -> leases held by fly.leases.with, innermost last
	luaMods map[string]*lua.LTable
	arrayMT *lua.LTable
	lazy    *lazy.Set   // records' members decoded on first access, namespaces built on first access
	nsMeta  *lua.LTable // metatable of the fly table and app handles while namespaces are pending
	decEnv  *decodeEnv  // made on first use

	sched  *scheduler
	wrapFn *lua.LFunction             // tasks.lua's wrap(raw), made on first use
	spaces map[*lua.LTable]string     // namespace tables ("fly", "fly.machines") -> name, for colonCall
	bars   []*progressbar.ProgressBar // fly.parallel's bars not finished yet
	names  map[*lua.LFunction]string  // every fly function made, to its qualified name (help of handles)

	ticker  func(d time.Duration) (<-chan time.Time, func()) // lease refresh ticks; replaced in tests
	clock   Clock                                            // Config.Clock; nil for real time
	keepMu  sync.Mutex                                       // keepers start on the goroutines of task calls
	keepers map[*keeper]struct{}                             // leases of fly.leases.with not yet released
	warnMu  sync.Mutex                                       // keepers warn from their goroutines
}

// warn writes one line to the configured stderr.
func (f *Fly) warn(format string, args ...any) {
	f.warnMu.Lock()
	defer f.warnMu.Unlock()
	fmt.Fprintf(f.stderr, "warning: "+format+"\n", args...)
}

// Open installs the fly module into L: the global fly, and require("fly").
func Open(L *lua.LState, cfg Config) (*Fly, error) {
	f := &Fly{
		vm:       L,
		client:   cfg.Client,
		app:      cfg.App,
		stderr:   cfg.Stderr,
		progress: cfg.Progress,
		handles:  map[string]*lua.LTable{},
		records:  map[string]*lua.LTable{},
		leases:   map[string][]*keeper{},
		keepers:  map[*keeper]struct{}{},
		luaMods:  map[string]*lua.LTable{},
		names:    map[*lua.LFunction]string{},
		ticker:   realTicker,
	}
	if f.stderr == nil {
		f.stderr = io.Discard
	}
	if cfg.Clock != nil {
		f.clock, f.ticker = cfg.Clock, cfg.Clock.Ticker
	}
	f.errMeta = f.newErrorMeta()
	f.lazy = lazy.NewSet(L)
	lazy.Wrap(L)
	f.sched = newScheduler(f)
	mod, err := f.buildNamespace(&scope{fly: f, dynamic: true}, true)
	if err != nil {
		return nil, err
	}
	f.module = mod
	L.Get(lua.RegistryIndex).(*lua.LTable).RawSetString(registryKey, &lua.LUserData{Value: f, Metatable: lua.LNil})
	L.SetGlobal("fly", mod)
	L.PreloadModule("fly", func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
	return f, nil
}

// Module returns the fly table, every namespace built (a script builds
// them on first access), so that a raw walk from Go sees them all.
func (f *Fly) Module() *lua.LTable {
	if err := lazy.Force(f.module); err != nil {
		panic(err) // the registry is embedded and tested: a build defect
	}
	return f.module
}

// App returns the default app, "" when none is set.
func (f *Fly) App() string { return f.app }

// SetApp changes the default app, as fly.use(name) does.
func (f *Fly) SetApp(name string) { f.app = name }

// scope is the app a namespace acts on: the default app (read at call time)
// or a fixed one (a handle).
type scope struct {
	fly     *Fly
	dynamic bool
	app     string
}

func (s *scope) appName() string {
	if s.dynamic {
		return s.fly.app
	}
	return s.app
}

// buildNamespace creates the fly table (top true) or an app handle's table
// from the registry. Its Go functions are set at once; its namespaces
// (fly.machines, fly.volumes, ...) and its functions written in Lua
// (fly.parallel, whose module is compiled when first needed) are built on
// first access (nsPending), with their keys in the registry's order (the Lua
// ones last) so that pairs walks them as if they had been built at once.
func (f *Fly) buildNamespace(sc *scope, top bool) (*lua.LTable, error) {
	L := f.vm
	lay, err := registryLayout()
	if err != nil {
		return nil, err
	}
	root := L.NewTable()
	if f.spaces == nil {
		f.spaces = map[*lua.LTable]string{}
	}
	f.spaces[root] = "fly"
	if !top {
		f.spaces[root] = fmt.Sprintf("fly.app(%q)", sc.app)
	}
	var pending, sugarKeys []string
	var sugar map[string]string // key -> embedded module
	for _, key := range lay.order {
		if fn, ok := lay.top[key]; ok {
			if !top && !fn.AppScoped {
				continue
			}
			if src, ok := luaSugar[fn.Name]; ok {
				if sugar == nil {
					sugar = map[string]string{}
				}
				sugar[key] = src // bound last, as in a namespace
				sugarKeys = append(sugarKeys, key)
				continue
			}
			root.RawSetString(key, f.function(fn, sc))
			continue
		}
		if !top && !lay.scoped[key] {
			continue
		}
		root.RawSetString(key, lua.LTrue) // keep the key's place
		root.RawSetString(key, lua.LNil)
		pending = append(pending, key)
	}
	for _, key := range sugarKeys {
		root.RawSetString(key, lua.LTrue) // keep the key's place
		root.RawSetString(key, lua.LNil)
		pending = append(pending, key)
	}
	if !top {
		root.RawSetString("name", lua.LString(sc.app))
	}
	if len(pending) > 0 {
		if f.nsMeta == nil {
			f.nsMeta = L.NewTable()
			f.lazy.Prepare(f.nsMeta)
		}
		root.Metatable = f.nsMeta
		f.lazy.Add(root, &nsPending{f: f, sc: sc, top: top, pending: pending, sugar: sugar})
	}
	return root, nil
}

// buildOne makes the namespace name (its functions, sub-namespaces and Lua
// sugar) of the fly table (top) or an app handle, whose name is parent.
func (f *Fly) buildOne(sc *scope, top bool, parent, name string) (*lua.LTable, error) {
	L := f.vm
	lay, err := registryLayout()
	if err != nil {
		return nil, err
	}
	ns := L.NewTable()
	f.spaces[ns] = parent + "." + name
	sugar := map[string]*lua.LTable{} // Lua module -> namespace tables to bind
	for _, fn := range lay.byNamespace[name] {
		if !top && !fn.AppScoped {
			continue
		}
		parts := strings.Split(fn.Name, ".")
		t := ns
		for _, p := range parts[2 : len(parts)-1] {
			sub, ok := t.RawGetString(p).(*lua.LTable)
			if !ok {
				sub = L.NewTable()
				t.RawSetString(p, sub)
				f.spaces[sub] = f.spaces[t] + "." + p
			}
			t = sub
		}
		if src, ok := luaSugar[fn.Name]; ok {
			sugar[src] = t
			continue
		}
		t.RawSetString(parts[len(parts)-1], f.function(fn, sc))
	}
	for src, t := range sugar {
		if err := f.bindSugar(src, t, sc); err != nil {
			return nil, err
		}
	}
	return ns, nil
}

// nsPending is what a fly table or an app handle keeps aside: the
// namespaces and Lua-written functions not built yet (package lazy keeps
// this invisible).
type nsPending struct {
	f       *Fly
	sc      *scope
	top     bool
	pending []string
	sugar   map[string]string // pending keys bound by an embedded module, and that module
}

// Fill builds the namespace key into t.
func (n *nsPending) Fill(t *lua.LTable, key string) (bool, error) {
	i := slices.Index(n.pending, key)
	if i < 0 {
		return false, nil
	}
	n.pending = slices.Delete(n.pending, i, i+1)
	return true, n.fill(t, key)
}

func (n *nsPending) fill(t *lua.LTable, key string) error {
	if t.RawGetString(key) != lua.LNil {
		return nil
	}
	if src, ok := n.sugar[key]; ok {
		return n.f.bindSugar(src, t, n.sc)
	}
	ns, err := n.f.buildOne(n.sc, n.top, n.f.spaces[t], key)
	if err != nil {
		return err
	}
	t.RawSetString(key, ns)
	return nil
}

// FillAll builds every namespace not built yet into t.
func (n *nsPending) FillAll(t *lua.LTable) error {
	keys := n.pending
	n.pending = nil
	for _, k := range keys {
		if err := n.fill(t, k); err != nil {
			return err
		}
	}
	return nil
}

// Drop forgets the namespace key, set by the script before it was read.
func (n *nsPending) Drop(key string) {
	if i := slices.Index(n.pending, key); i >= 0 {
		n.pending = slices.Delete(n.pending, i, i+1)
	}
}

// Pending is the number of namespaces not built yet.
func (n *nsPending) Pending() int { return len(n.pending) }

// Keys lists the namespaces not built yet.
func (n *nsPending) Keys() []string { return slices.Clone(n.pending) }

// layout is the registry grouped for building the fly table: its keys in
// the order they first appear, the functions set on it directly, and the
// functions of each namespace.
type layout struct {
	order       []string
	top         map[string]*Func
	byNamespace map[string][]*Func
	scoped      map[string]bool // namespaces with an app-scoped function
}

// registryLayout groups the registry once per process.
var registryLayout = sync.OnceValues(func() (*layout, error) {
	lay := &layout{top: map[string]*Func{}, byNamespace: map[string][]*Func{}, scoped: map[string]bool{}}
	for _, fn := range registry() {
		parts := strings.Split(fn.Name, ".")
		if len(parts) < 2 || parts[0] != "fly" {
			return nil, fmt.Errorf("bindings: bad function name %q", fn.Name)
		}
		key := parts[1]
		if len(parts) == 2 {
			if _, dup := lay.top[key]; dup {
				return nil, fmt.Errorf("bindings: %q is defined twice", fn.Name)
			}
			if _, isNS := lay.byNamespace[key]; isNS {
				return nil, fmt.Errorf("bindings: %q is both a function and a namespace", fn.Name)
			}
			lay.top[key] = fn
			lay.order = append(lay.order, key)
			continue
		}
		if _, isFn := lay.top[key]; isFn {
			return nil, fmt.Errorf("bindings: %q is both a function and a namespace", key)
		}
		if _, seen := lay.byNamespace[key]; !seen {
			lay.order = append(lay.order, key)
		}
		lay.byNamespace[key] = append(lay.byNamespace[key], fn)
		if fn.AppScoped {
			lay.scoped[key] = true
		}
	}
	return lay, nil
})

// function makes the Lua function of fn acting in scope sc.
func (f *Fly) function(fn *Func, sc *scope) *lua.LFunction {
	impl := fn.impl
	if impl == nil {
		impl = generic
	}
	var raw *lua.LFunction
	if !fn.AppScoped {
		raw = f.vm.NewFunction(func(L *lua.LState) int {
			f.checkDot(L, fn)
			return impl(f, L, fn, "")
		})
	} else {
		raw = f.vm.NewFunction(func(L *lua.LState) int {
			f.checkDot(L, fn)
			app := sc.appName()
			if app == "" {
				f.raise(L, fn.Name, &Error{Code: codeInvalidArgument, Message: noAppMessage, Hint: noAppHint})
			}
			return impl(f, L, fn, app)
		})
	}
	if len(fn.Ops) == 0 {
		f.names[raw] = fn.Name
		return raw // never yields
	}
	w := f.wrapped(raw)
	f.names[w] = fn.Name
	return w
}

// registryKey is where Open leaves the *Fly in its state's Lua registry,
// for FuncName.
const registryKey = "flyscript.fly"

// FuncName returns the qualified name of a function of the fly module
// installed in L ("fly.machines.list"), also of those on app handles, which
// the globals do not reach; false for any other function. The REPL's help
// uses it.
func FuncName(L *lua.LState, fn *lua.LFunction) (string, bool) {
	ud, ok := L.Get(lua.RegistryIndex).(*lua.LTable).RawGetString(registryKey).(*lua.LUserData)
	if !ok {
		return "", false
	}
	f, ok := ud.Value.(*Fly)
	if !ok {
		return "", false
	}
	name, ok := f.names[fn]
	return name, ok
}

// checkDot refuses a call written with a colon, fly.apps:create{...}: the
// namespace table it was called on came as the first argument, which no
// function of the module takes.
func (f *Fly) checkDot(L *lua.LState, fn *Func) {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok || f.spaces[t] == "" {
		return
	}
	dot := f.spaces[t] + fn.Name[strings.LastIndexByte(fn.Name, '.'):] + "(...)"
	f.raise(L, fn.Name, &Error{Code: codeInvalidArgument, Hint: "call it with a dot: " + dot,
		Message: "called with a colon, so its first argument is the " + f.spaces[t] + " table (hint: call it with a dot: " + dot + ")"})
}

// wrapped returns raw behind tasks.lua's wrapper, which raises the error of
// a call that failed after yielding its task.
func (f *Fly) wrapped(raw *lua.LFunction) *lua.LFunction {
	if f.wrapFn == nil {
		m, err := f.luaModule("fly/tasks.lua")
		if err != nil {
			panic(err) // embedded and tested: a build defect
		}
		if err := lua51.Protected(f.vm, m.RawGetString("wrapper"), 1, f.sched.fail); err != nil {
			panic(err)
		}
		f.wrapFn = f.vm.Get(-1).(*lua.LFunction)
		f.vm.Pop(1)
	}
	if err := lua51.Protected(f.vm, f.wrapFn, 1, raw); err != nil {
		panic(err)
	}
	w := f.vm.Get(-1).(*lua.LFunction)
	f.vm.Pop(1)
	return w
}

// handle returns the table of app-scoped namespaces bound to app, made once
// per app and VM.
func (f *Fly) handle(app string) (*lua.LTable, error) {
	if h, ok := f.handles[app]; ok {
		return h, nil
	}
	h, err := f.buildNamespace(&scope{fly: f, app: app}, false)
	if err != nil {
		return nil, err
	}
	f.handles[app] = h
	return h, nil
}

// luaModule loads an embedded Lua module of lua/fly once per VM, compiled
// under its real path so tracebacks name the file.
func (f *Fly) luaModule(name string) (*lua.LTable, error) {
	if m, ok := f.luaMods[name]; ok {
		return m, nil
	}
	fn, err := flylua.Load(f.vm, name)
	if err != nil {
		return nil, fmt.Errorf("bindings: %w", err)
	}
	if err := lua51.Protected(f.vm, fn, 1, lua.LString(flylua.ModuleName(name))); err != nil {
		return nil, fmt.Errorf("bindings: run %s: %w", name, err)
	}
	m, ok := f.vm.Get(-1).(*lua.LTable)
	f.vm.Pop(1)
	if !ok {
		return nil, fmt.Errorf("bindings: %s returned no table", name)
	}
	f.luaMods[name] = m
	return m, nil
}

// encoder returns a body encoder for this VM.
func (f *Fly) encoder() *encoder {
	return &encoder{arrayMT: f.arrayMeta()}
}

// arrayMeta returns the json module's array mark of this VM: the metatable
// json.decode gives arrays, so that they encode back as arrays even when
// empty. Lists from the API carry it too.
func (f *Fly) arrayMeta() *lua.LTable {
	if f.arrayMT == nil {
		if v, err := stdlib.FromJSON(f.vm, []byte("[]")); err == nil {
			if t, ok := v.(*lua.LTable); ok {
				if mt, ok := t.Metatable.(*lua.LTable); ok {
					f.arrayMT = mt
				}
			}
		}
	}
	return f.arrayMT
}

// decodeEnv is what decodeJSON needs from this VM.
func (f *Fly) decodeEnv() *decodeEnv {
	if f.decEnv == nil {
		f.decEnv = &decodeEnv{records: f.recordMeta, arrayMT: f.arrayMeta(), lazy: f.lazy}
	}
	return f.decEnv
}

// context returns the state's context, or Background when it has none.
func stateContext(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
