package bindings

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
)

// waitDefault is the wait's timeout when opts.timeout is absent.
const waitDefault = 60 * time.Second

// waitRequest is one fly.machines.wait.
type waitRequest struct {
	app, id     string
	states      []string
	timeout     time.Duration
	version     string
	fromEventID string
}

// waitImpl is fly.machines.wait(id, state?, opts?).
func waitImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	w := &waitRequest{app: app, id: checkRef(L, 1, fn.Name, L.Get(1), "id"), timeout: waitDefault}
	stateArg, optsArg := L.Get(2), L.Get(3)
	if t, ok := stateArg.(*lua.LTable); ok && optsArg == lua.LNil && t.RawGetInt(1) == lua.LNil && t.Len() == 0 {
		if _, bad := sortedStringKeys(t); bad == nil && firstKey(t) != lua.LNil {
			stateArg, optsArg = lua.LNil, t // wait(id, {timeout = ...})
		}
	}
	switch v := stateArg.(type) {
	case *lua.LNilType:
		w.states = []string{"started"}
	case lua.LString:
		w.states = []string{string(v)}
	case *lua.LTable:
		n, _ := arrayLen(v)
		if n <= 0 {
			argError(L, 2, fn.Name, "state or list of states expected, got table")
		}
		for i := 1; i <= n; i++ {
			s, ok := v.RawGetInt(i).(lua.LString)
			if !ok {
				argError(L, 2, fn.Name, "list of state strings expected, got "+luaTypeName(v.RawGetInt(i))+" at ["+strconv.Itoa(i)+"]")
			}
			w.states = append(w.states, string(s))
		}
	default:
		typeError(L, 2, fn.Name, "string", v)
	}
	if s := opInfo(fn.Ops[0]).paramSchema("state"); s != nil {
		for _, st := range w.states {
			if len(s.Enum) > 0 && !contains(s.Enum, st) {
				argError(L, 2, fn.Name, enumMessage(st, s.Enum))
			}
		}
	}
	c := &call{fn: fn, req: &client.Request{Query: url.Values{}}}
	f.applyOpts(L, 3, c, optsArg)
	if v, ok := c.local["timeout"]; ok {
		d, err := parseDuration(v)
		if err != nil {
			f.raiseInvalid(L, fn.Name, "timeout: "+err.Error())
		}
		w.timeout = d
	}
	if v, ok := c.local["version"]; ok {
		s, isStr := v.(lua.LString)
		if !isStr {
			f.raiseInvalid(L, fn.Name, "version: expected string, got "+luaTypeName(v))
		}
		w.version = string(s)
	}
	if v, ok := c.local["from_event_id"]; ok {
		s, isStr := v.(lua.LString)
		if !isStr {
			f.raiseInvalid(L, fn.Name, "from_event_id: expected string, got "+luaTypeName(v))
		}
		w.fromEventID = string(s)
	}
	x := f.waitExchange(fn, w)
	if f.progress && f.sched.taskOf(L) == nil {
		// A wait outside tasks shows a spinner on the terminal; inside
		// tasks, fly.parallel's bar speaks for them all.
		x.run = f.withSpinner(fmt.Sprintf("waiting for %s to be %s", w.id, strings.Join(w.states, " or ")), x.run)
	}
	return f.do(L, x)
}

// withSpinner draws a spinner with label on stderr while run runs, and
// clears its line when run returns.
func (f *Fly) withSpinner(label string, run func(context.Context) (any, error)) func(context.Context) (any, error) {
	return func(ctx context.Context) (any, error) {
		done := make(chan struct{})
		stopped := make(chan struct{})
		go func() {
			defer close(stopped)
			spin(f.stderr, label, 100*time.Millisecond, done)
		}()
		defer func() {
			close(done)
			<-stopped
		}()
		return run(ctx)
	}
}

// spinnerFrames are drawn in turn, one every interval.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// spin draws "<frame> label (Ns)" on w (a terminal) until done is closed,
// then erases the line. The first frame waits one interval, so that quick waits draw
// nothing at all.
func spin(w io.Writer, label string, interval time.Duration, done <-chan struct{}) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	start := time.Now()
	width := 0
	for i := 0; ; i++ {
		select {
		case <-done:
			if width > 0 {
				// Erase the whole line: the terminal's echo of Ctrl-C
				// ("^C") stands after the spinner and would stay on the
				// error line that follows.
				_, _ = io.WriteString(w, "\r\x1b[K")
			}
			return
		case <-tick.C:
			line := fmt.Sprintf("%s %s (%ds)", spinnerFrames[i%len(spinnerFrames)], label, int(time.Since(start).Seconds()))
			width = max(width, utf8.RuneCountInString(line))
			fmt.Fprintf(w, "\r%s", line)
		}
	}
}

func (o *operation) paramSchema(name string) *Schema {
	if o == nil {
		return nil
	}
	for _, p := range o.Params {
		if p.Name == name {
			return p.Schema
		}
	}
	return nil
}

// waitExchange is the one path of every machine wait: the client repeats the
// server's wait (at most 60 s each) until the state is reached, the timeout
// passes, or the context ends.
func (f *Fly) waitExchange(fn *Func, w *waitRequest) exchange {
	return exchange{
		op:  fn.Name,
		run: func(ctx context.Context) (any, error) { return f.wait(ctx, w) },
		push: func(L *lua.LState, res any) int {
			resp := res.(*client.Response)
			v, err := f.decodeAnswer(resp, LookupSchema("WaitMachineResponse"))
			if err != nil {
				f.raise(L, fn.Name, err)
			}
			L.Push(v)
			return 1
		},
	}
}

// wait performs the wait through the client's wait loop (slices of at most
// 60 s, 408 as "not yet", 404 as destroyed); it touches no Lua state.
func (f *Fly) wait(ctx context.Context, w *waitRequest) (*client.Response, error) {
	if f.client == nil {
		return f.send(ctx, nil)
	}
	out, err := f.client.Machines.Wait(ctx, w.app, w.id, &client.WaitOptions{
		States: w.states, Timeout: w.timeout, Version: w.version, FromEventID: w.fromEventID})
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &client.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: body}, nil
}

func firstKey(t *lua.LTable) lua.LValue {
	k, _ := t.Next(lua.LNil)
	return k
}
