package bindings

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
)

// defaultLeaseTTL is the lease length fly.leases.with asks for by default.
const defaultLeaseTTL = 30 * time.Second

// realTicker ticks every d until stopped.
func realTicker(d time.Duration) (<-chan time.Time, func()) {
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// heldNonce returns the nonce of the innermost lease fly.leases.with holds on
// the machine, or "".
func (f *Fly) heldNonce(app, id string) string {
	if id == "" {
		return ""
	}
	if ns := f.leases[app+"/"+id]; len(ns) > 0 {
		return ns[len(ns)-1]
	}
	return ""
}

// heldLease is a lease held by fly.leases.with, with its refresher.
type heldLease struct {
	stop func()
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
		if err := f.vm.CallByParam(lua.P{Fn: par, NRet: 1, Protect: true}, f.parallelPrimitives(f.vm)); err != nil {
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
		args = []lua.LValue{t, f.wrapped(f.vm.NewFunction(f.leaseBegin(sc))), f.wrapped(f.vm.NewFunction(f.leaseEnd(sc)))}
	}
	return f.vm.CallByParam(lua.P{Fn: bind, NRet: 0, Protect: true}, args...)
}

const withName = "fly.leases.with"

// leaseBegin acquires the lease of fly.leases.with(id, opts, fn), makes
// machine mutations carry its nonce, and starts refreshing it.
func (f *Fly) leaseBegin(sc *scope) lua.LGFunction {
	return func(L *lua.LState) int {
		app := sc.appName()
		if app == "" {
			f.raise(L, withName, &Error{Code: codeInvalidArgument, Message: noAppMessage, Hint: noAppHint})
		}
		c := f.build(L, registryByKey[withName], app)
		ttl := defaultLeaseTTL
		for _, bf := range c.fields {
			if n, ok := bf.v.(lua.LNumber); ok && bf.name == "ttl" {
				ttl = time.Duration(float64(n)) * time.Second
			}
		}
		id := c.req.Params["machine_id"]
		x := f.restExchange(c)
		x.op = withName
		push := x.push
		x.push = func(L *lua.LState, res any) int {
			n := push(L, res)
			lease, _ := L.Get(-1).(*lua.LTable)
			nonce := ""
			if lease != nil {
				nonce = lua.LVAsString(lease.RawGetString("nonce"))
			}
			if nonce == "" {
				f.raise(L, withName, &Error{Code: codeInternal, Message: "the lease answer has no nonce"})
			}
			key := app + "/" + id
			f.leases[key] = append(f.leases[key], nonce)
			f.startRefresh(L, app, id, nonce, ttl)
			return n
		}
		return f.do(L, x)
	}
}

// startRefresh refreshes the lease every half TTL until leaseEnd stops it.
// The refresh runs on its own goroutine, straight through send: it never
// touches the Lua state.
func (f *Fly) startRefresh(L *lua.LState, app, id, nonce string, ttl time.Duration) {
	ctx, cancel := context.WithCancel(stateContext(L))
	every := ttl / 2
	if every < time.Second {
		every = time.Second
	}
	ticks, stopTicker := f.ticker(every)
	done := make(chan struct{})
	body := []byte(`{"ttl":` + strconv.FormatInt(seconds(ttl), 10) + `}`)
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticks:
				req := &client.Request{Method: "POST", Pattern: leasePath,
					Params: map[string]string{"app_name": app, "machine_id": id},
					Query:  url.Values{}, Body: body, Nonce: nonce}
				if _, err := f.send(ctx, req); err != nil && ctx.Err() == nil {
					f.warn("%s: refreshing the lease on machine %s failed: %v", withName, id, err)
				}
			}
		}
	}()
	if f.refreshers == nil {
		f.refreshers = map[string]*heldLease{}
	}
	f.refreshers[nonce] = &heldLease{stop: func() {
		cancel()
		stopTicker()
		<-done
	}}
}

// leaseEnd stops refreshing and releases the lease of fly.leases.with. When
// fn failed (third argument false) a failed release is only reported, so
// that fn's error is the one raised.
func (f *Fly) leaseEnd(sc *scope) lua.LGFunction {
	return func(L *lua.LState) int {
		app := sc.appName()
		id := L.CheckString(1)
		nonce := L.CheckString(2)
		fnOK := lua.LVAsBool(L.Get(3))
		if h := f.refreshers[nonce]; h != nil {
			h.stop()
			delete(f.refreshers, nonce)
		}
		key := app + "/" + id
		held := f.leases[key]
		for i := len(held) - 1; i >= 0; i-- {
			if held[i] == nonce {
				held = append(held[:i], held[i+1:]...)
				break
			}
		}
		if len(held) == 0 {
			delete(f.leases, key)
		} else {
			f.leases[key] = held
		}
		req := &client.Request{Method: "DELETE", Pattern: leasePath,
			Params: map[string]string{"app_name": app, "machine_id": id}, Nonce: nonce}
		return f.do(L, exchange{
			op: withName,
			run: func(ctx context.Context) (any, error) {
				if ctx.Err() != nil {
					// cancelled: still try to release, briefly
					c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
					defer cancel()
					ctx = c
				}
				_, err := f.send(ctx, req)
				if err != nil && !fnOK {
					f.warn("%s: releasing the lease on machine %s failed: %v", withName, id, err)
					return nil, nil
				}
				return nil, err
			},
			push: func(*lua.LState, any) int { return 0 },
		})
	}
}
