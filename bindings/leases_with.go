package bindings

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"

	"github.com/flyscript/flyscript/client"
)

// fly.leases.with holds a lease while fn runs. The lease belongs to a
// keeper: a goroutine that refreshes it every half TTL and releases it when
// it is stopped, or by itself as soon as the context of the code that
// acquired it ends. That second way is what makes an interrupted script
// (SIGINT, --timeout, an embedder's cancelled context) release its leases:
// once the context is done gopher-lua raises at the next Lua instruction, so
// no Lua code can be relied on to send the DELETE.
//
// Outside tasks with is a Go function (leaseHold) that runs fn under a
// native protected call and always stops the keeper and waits for the
// release before it returns or re-raises. Inside tasks fn may yield, which a
// native protected call cannot pass on, so lua/fly/leases.lua takes the steps
// over begin and finish; a task that is interrupted never reaches finish, so
// the scheduler and fly.parallel wait for the keepers of the interrupted
// script (Fly.settle) before they raise the interruption.

// defaultLeaseTTL is the lease length fly.leases.with asks for by default.
const defaultLeaseTTL = 30 * time.Second

// releaseTimeout bounds the DELETE of a lease held by fly.leases.with. The
// DELETE is sent detached from the script's context, so that an interrupt
// arriving before or during it does not leave the lease held.
const releaseTimeout = 5 * time.Second

// realTicker ticks every d until stopped.
func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// keeper is a lease held by fly.leases.with and the goroutine that
// refreshes and releases it.
type keeper struct {
	app, id, nonce string
	// ctx ends when the release is asked for (stop) or when the context of
	// the code that acquired the lease ends; the goroutine then releases.
	ctx  context.Context
	stop context.CancelFunc
	// root is the context of the VM's main state when the lease was taken
	// (nil when it had none): the context of the running script, of which
	// every task's context is a child.
	root context.Context
	done chan struct{} // closed once the release was sent and answered
	err  error         // the release's error; read after done
}

// ended reports whether the keeper has stopped holding the lease (it is
// releasing it or has released it).
func (k *keeper) ended() bool { return k.ctx.Err() != nil }

// keep starts the keeper of a lease just acquired under holder. It is safe
// on any goroutine: inside a task the acquire's answer arrives on one, and
// starting the keeper there means a lease granted just before an interrupt
// is still released.
func (f *Fly) keep(holder, root context.Context, app, id, nonce string, ttl time.Duration) *keeper {
	ctx, stop := context.WithCancel(holder)
	k := &keeper{app: app, id: id, nonce: nonce, ctx: ctx, stop: stop, root: root, done: make(chan struct{})}
	every := max(ttl/2, time.Second)
	ticks, stopTicker := f.ticker(every)
	body := []byte(`{"ttl":` + strconv.FormatInt(seconds(ttl), 10) + `}`)
	f.keepMu.Lock()
	f.keepers[k] = struct{}{}
	f.keepMu.Unlock()
	go func() {
		defer close(k.done)
		defer stopTicker()
		for {
			select {
			case <-ctx.Done():
				k.err = f.releaseLease(ctx, k)
				return
			case t := <-ticks:
				if t.IsZero() {
					continue // a virtual clock's barrier (Clock.Ticker)
				}
				req := &client.Request{Method: "POST", Pattern: leasePath,
					Params: map[string]string{"app_name": app, "machine_id": id},
					Query:  url.Values{}, Body: body, Nonce: nonce}
				if _, err := f.send(ctx, req); err != nil && ctx.Err() == nil {
					f.warn("%s: refreshing the lease on machine %s failed: %v", withName, id, err)
				}
			}
		}
	}()
	return k
}

// releaseLease sends the DELETE of k's lease, detached from ctx (which has
// ended) and bounded by releaseTimeout.
func (f *Fly) releaseLease(ctx context.Context, k *keeper) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
	defer cancel()
	_, err := f.send(rctx, &client.Request{Method: "DELETE", Pattern: leasePath,
		Params: map[string]string{"app_name": k.app, "machine_id": k.id}, Nonce: k.nonce})
	return err
}

// hold makes machine mutations carry k's nonce (VM goroutine only).
func (f *Fly) hold(k *keeper) {
	key := k.app + "/" + k.id
	f.leases[key] = append(f.leases[key], k)
}

// unhold stops k's nonce from riding on mutations (VM goroutine only).
func (f *Fly) unhold(k *keeper) {
	key := k.app + "/" + k.id
	held := f.leases[key]
	for i := len(held) - 1; i >= 0; i-- {
		if held[i] == k {
			held = append(held[:i], held[i+1:]...)
			break
		}
	}
	if len(held) == 0 {
		delete(f.leases, key)
	} else {
		f.leases[key] = held
	}
}

// forget drops k from the keepers once its goroutine has ended.
func (f *Fly) forget(k *keeper) {
	f.keepMu.Lock()
	delete(f.keepers, k)
	f.keepMu.Unlock()
}

// held returns the keepers for which ok holds.
func (f *Fly) held(ok func(*keeper) bool) []*keeper {
	f.keepMu.Lock()
	defer f.keepMu.Unlock()
	var out []*keeper
	for k := range f.keepers {
		if ok(k) {
			out = append(out, k)
		}
	}
	return out
}

// interrupted reports whether k was taken by a script whose context has
// ended: its own context ends with it, if not yet then at once (the one
// cancelling is propagating it to the children), and it releases the lease.
func (k *keeper) interrupted() bool { return k.root != nil && k.root.Err() != nil }

// settle waits for the keepers of interrupted scripts to release their
// leases (each release is bounded by releaseTimeout, and they run at once),
// and forgets them. The scheduler calls it when the script's context ended
// while it ran tasks, so that a script interrupted inside tasks returns only
// once their leases are released. VM goroutine only.
func (f *Fly) settle() {
	for _, k := range f.held((*keeper).interrupted) {
		<-k.done
		f.unhold(k)
		f.forget(k)
	}
}

// prune forgets the keepers that ended without their with reaching its end
// (an abandoned task), without waiting for any. VM goroutine only.
func (f *Fly) prune() {
	for _, k := range f.held((*keeper).ended) {
		select {
		case <-k.done:
			f.unhold(k)
			f.forget(k)
		default:
		}
	}
}

// heldNonce returns the nonce of the innermost lease fly.leases.with holds
// on the machine, or "".
func (f *Fly) heldNonce(app, id string) string {
	if id == "" {
		return ""
	}
	held := f.leases[app+"/"+id]
	for i := len(held) - 1; i >= 0; i-- {
		if !held[i].ended() {
			return held[i].nonce
		}
	}
	return ""
}

// bindSugar installs the Lua-written functions of one embedded module into
// the namespace table t: the module's bind(t, ...) receives the Go
// primitives it is written over.
func (f *Fly) bindSugar(src string, t *lua.LTable, sc *scope) error {
	m, err := f.luaModule(src)
	if err != nil {
		return err
	}
	if src == "fly/tasks.lua" {
		par, ok := m.RawGetString("parallel").(*lua.LFunction)
		if !ok {
			return fmt.Errorf("bindings: %s has no parallel function", src)
		}
		if err := lua51.Protected(f.vm, par, 1, f.parallelPrimitives(f.vm)); err != nil {
			return err
		}
		t.RawSetString("parallel", f.vm.Get(-1))
		f.vm.Pop(1)
		return nil
	}
	bind, ok := m.RawGetString("bind").(*lua.LFunction)
	if !ok {
		return fmt.Errorf("bindings: %s has no bind function", src)
	}
	var args []lua.LValue
	switch src {
	case "fly/leases.lua":
		args = []lua.LValue{t, f.vm.NewFunction(f.inTask), f.vm.NewFunction(f.leaseHold(sc)),
			f.wrapped(f.vm.NewFunction(f.leaseBegin(sc))), f.wrapped(f.vm.NewFunction(f.leaseEnd))}
	}
	return lua51.Protected(f.vm, bind, 0, args...)
}

const withName = "fly.leases.with"

// inTask is in_task(): whether the caller runs inside a task.
func (f *Fly) inTask(L *lua.LState) int {
	L.Push(lua.LBool(f.sched.taskOf(L) != nil))
	return 1
}

// acquired is what the acquire of fly.leases.with brings back.
type acquired struct {
	pages []*client.Response
	k     *keeper
}

// leaseBegin is begin(id, opts) -> lease, handle: it acquires the lease of
// fly.leases.with(id, opts, fn), starts its keeper and makes machine
// mutations carry its nonce. The handle is finish's argument.
func (f *Fly) leaseBegin(sc *scope) lua.LGFunction {
	return func(L *lua.LState) int {
		app := sc.appName()
		if app == "" {
			f.raise(L, withName, &Error{Code: codeInvalidArgument, Message: noAppMessage, Hint: noAppHint})
		}
		f.prune()
		c := f.build(L, registryByKey[withName], app)
		ttl := defaultLeaseTTL
		for _, bf := range c.fields {
			if n, ok := bf.v.(lua.LNumber); ok && bf.name == "ttl" {
				ttl = time.Duration(float64(n)) * time.Second
			}
		}
		id := c.req.Params["machine_id"]
		holder, root := stateContext(L), f.vm.Context()
		x := f.restExchange(c)
		x.op = withName
		run, push := x.run, x.push
		x.run = func(ctx context.Context) (any, error) {
			res, err := run(ctx)
			if err != nil {
				return nil, err
			}
			pages := res.([]*client.Response)
			var answer struct {
				Data struct {
					Nonce string `json:"nonce"`
				} `json:"data"`
			}
			if len(pages) > 0 {
				_ = json.Unmarshal(pages[0].Body, &answer)
			}
			if answer.Data.Nonce == "" {
				return nil, &Error{Code: codeInternal, Message: "the lease answer has no nonce"}
			}
			return acquired{pages: pages, k: f.keep(holder, root, app, id, answer.Data.Nonce, ttl)}, nil
		}
		x.push = func(L *lua.LState, res any) int {
			a := res.(acquired)
			held := false
			defer func() {
				if !held {
					a.k.stop() // the keeper releases the lease by itself
				}
			}()
			if a.k.ended() {
				// interrupted while the answer waited to be taken up
				f.raise(L, withName, context.Canceled)
			}
			n := push(L, a.pages)
			f.hold(a.k)
			L.Push(&lua.LUserData{Value: a.k, Metatable: lua.LNil})
			held = true
			return n + 1
		}
		return f.do(L, x)
	}
}

// checkKeeper returns the handle argument n of finish.
func checkKeeper(L *lua.LState, n int) *keeper {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if k, ok := ud.Value.(*keeper); ok {
			return k
		}
	}
	L.RaiseError("%s: bad lease handle", withName)
	return nil
}

// endLease stops k's nonce from riding on mutations and asks its keeper to
// release the lease (VM goroutine only); done tells when that is over.
func (f *Fly) endLease(k *keeper) {
	f.unhold(k)
	k.stop()
}

// released waits for k's release and returns its error; when fn failed
// (fnOK false) a failed release is only reported, so that fn's error is
// the one raised. Safe on any goroutine.
func (f *Fly) released(k *keeper, fnOK bool) error {
	<-k.done
	f.forget(k)
	if k.err != nil && !fnOK {
		f.warn("%s: releasing the lease on machine %s failed: %v", withName, k.id, k.err)
		return nil
	}
	return k.err
}

// leaseEnd is finish(handle, ok): it releases the lease of fly.leases.with.
// Inside a task it yields until the release is answered.
func (f *Fly) leaseEnd(L *lua.LState) int {
	k := checkKeeper(L, 1)
	fnOK := lua.LVAsBool(L.Get(2))
	f.endLease(k)
	return f.do(L, exchange{
		op: withName,
		run: func(context.Context) (any, error) {
			return nil, f.released(k, fnOK)
		},
		push: func(*lua.LState, any) int { return 0 },
	})
}

// leaseHold is hold(id, opts, fn), fly.leases.with outside tasks: acquire,
// fn(lease) under a native protected call, release, then fn's results or its
// error re-raised unchanged. The release happens whatever ended fn: a
// return, an error, or the state's context (the error gopher-lua raises
// once it is done).
func (f *Fly) leaseHold(sc *scope) lua.LGFunction {
	begin := f.leaseBegin(sc)
	return func(L *lua.LState) int {
		fn := L.CheckFunction(3)
		begin(L)
		k := checkKeeper(L, -1)
		lease := L.Get(-2)
		L.Pop(2)
		base := L.GetTop()
		L.Push(fn)
		L.Push(lease)
		err := lua51.PCall(L, 1, lua.MultRet, nil)
		f.endLease(k)
		rerr := f.released(k, err == nil)
		if err != nil {
			L.Error(errorObject(err), 0)
		}
		if rerr != nil {
			f.raise(L, withName, rerr)
		}
		return L.GetTop() - base
	}
}
