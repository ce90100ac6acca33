package bindings

import (
	"context"
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
)

// exchange is the part of one binding call that talks to the API: run
// performs one or more HTTP requests (a call, every page of a list, a wait
// loop) and touches no Lua state, so it may run on any goroutine; push turns
// its result into Lua values on the state's goroutine.
//
// Every binding builds an exchange and hands it to Fly.do; nothing else
// calls the API. This is where cooperative concurrency plugs in (fly.spawn,
// fly.parallel): inside a task, do starts run on a goroutine and yields the
// coroutine; the scheduler resumes it with push's values.
type exchange struct {
	op   string // the Lua function, for errors: "fly.machines.stop"
	run  func(ctx context.Context) (any, error)
	push func(L *lua.LState, result any) int
}

// do performs x for the Lua function running in L: it runs the exchange
// under L's context (so cancellation aborts the request in flight), raises
// a failure as a fly error value, and pushes the result. Inside a task it
// yields instead, and the scheduler resumes the task with the result.
func (f *Fly) do(L *lua.LState, x exchange) int {
	if t := f.sched.taskOf(L); t != nil {
		return f.sched.await(L, t, x)
	}
	res, err := x.run(stateContext(L))
	if err != nil {
		f.raise(L, x.op, err)
		return 0
	}
	return x.push(L, res)
}

// send is the one place where the bindings call the client. It is safe on
// any goroutine: a panic in the call (an embedder's observer or clock) is
// its error, for on a task's goroutine or the lease keeper's nothing else
// would recover it and the host process would end.
func (f *Fly) send(ctx context.Context, req *client.Request) (resp *client.Response, err error) {
	if f.client == nil {
		return nil, &Error{Code: codeInvalidArgument, Message: noClientMessage, Hint: noClientHint}
	}
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, f.panicError(r)
		}
	}()
	return f.client.Do(ctx, req)
}

// runExchange runs x on a goroutine of a task's call, a panic being its
// error (see send).
func (f *Fly) runExchange(ctx context.Context, x exchange) (res any, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, f.panicError(r)
		}
	}()
	return x.run(ctx)
}

// panicError is the error of a call that panicked with r, without the
// token if r's text holds it.
func (f *Fly) panicError(r any) *Error {
	msg := fmt.Sprint(r)
	if f.client != nil {
		msg = f.client.Scrub(msg)
	}
	return &Error{Code: codeInternal, Message: "the call panicked: " + msg}
}

// noClientMessage and noClientHint are the error of a fly call in a state
// opened without a client: only an embedding program can make one (the
// command always passes a client, or stops for want of a token).
const (
	noClientMessage = "no API client: the program running this script created its VM without one"
	noClientHint    = "in Go, pass flyscript.WithClient(c) to flyscript.New: c from client.FromEnv() for the Fly.io API, " +
		"or from client.New(client.WithBaseURL(srv.URL), client.WithToken(\"sim\")) with srv from sim.Start() for the simulator"
)

// single is the exchange of one request whose answer push converts.
func (f *Fly) single(op string, req *client.Request, push func(L *lua.LState, resp *client.Response) int) exchange {
	return exchange{
		op: op,
		run: func(ctx context.Context) (any, error) {
			return f.send(ctx, req)
		},
		push: func(L *lua.LState, res any) int { return push(L, res.(*client.Response)) },
	}
}
