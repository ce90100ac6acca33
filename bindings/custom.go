package bindings

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lazy"
)

// existsImpl is fly.apps.exists and fly.machines.exists: a 404 is false,
// and so is a machine that is destroyed (the API still shows those for a
// while). A machine in an app that does not exist raises.
func existsImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	c := f.build(L, fn, app)
	machine := c.req.Params["machine_id"] != ""
	return f.do(L, exchange{
		op: fn.Name,
		run: func(ctx context.Context) (any, error) {
			resp, err := f.send(ctx, c.req)
			if err == nil {
				if machine {
					var m struct {
						State string `json:"state"`
					}
					_ = json.Unmarshal(resp.Body, &m)
					return m.State != "destroyed", nil
				}
				return true, nil
			}
			var ce *client.Error
			if errors.As(err, &ce) && ce.StatusCode == http.StatusNotFound &&
				!(machine && strings.Contains(strings.ToLower(ce.Message), "app not found")) {
				return false, nil
			}
			return nil, err
		},
		push: func(L *lua.LState, res any) int {
			L.Push(lua.LBool(res.(bool)))
			return 1
		},
	})
}

// regionsImpl is fly.platform.regions: the regions, and the nearest.
func regionsImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	c := f.build(L, fn, app)
	return f.do(L, f.single(fn.Name, c.req, func(L *lua.LState, resp *client.Response) int {
		v, err := f.decodeAnswer(resp, c.op.Response)
		if err != nil {
			f.raise(L, fn.Name, err)
		}
		t, _ := v.(*lua.LTable)
		if t == nil {
			L.Push(L.NewTable())
			L.Push(lua.LNil)
			return 2
		}
		regions := t.RawGetString("regions")
		if regions == lua.LNil {
			regions = L.NewTable()
		}
		L.Push(regions)
		L.Push(t.RawGetString("nearest"))
		return 2
	}))
}

// secretsSetImpl is fly.secrets.set(name, value) and fly.secrets.set{...}.
func secretsSetImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	switch v := L.Get(1); v.(type) {
	case lua.LString:
		return generic(f, L, secretsSetOne, app)
	case *lua.LTable:
		return generic(f, L, secretsSetMany, app)
	default:
		typeError(L, 1, fn.Name, "string or table", v)
	}
	return 0
}

// metadataGetImpl is fly.metadata.get(id) and fly.metadata.get(id, key);
// an unset key is nil.
func metadataGetImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	if L.Get(2) == lua.LNil {
		return generic(f, L, metadataGetAll, app)
	}
	c := f.build(L, metadataGetKey, app)
	x := f.restExchange(c)
	run := x.run
	x.run = func(ctx context.Context) (any, error) {
		res, err := run(ctx)
		var ce *client.Error
		if errors.As(err, &ce) && ce.StatusCode == http.StatusNotFound && !missingParent(ce.Message) {
			return []*client.Response(nil), nil
		}
		return res, err
	}
	return f.do(L, x)
}

// leaseGetImpl is fly.leases.get(id): nil when the machine holds no lease.
func leaseGetImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	x := f.restExchange(f.build(L, fn, app))
	run := x.run
	x.run = func(ctx context.Context) (any, error) {
		res, err := run(ctx)
		var ce *client.Error
		if errors.As(err, &ce) && ce.StatusCode == http.StatusNotFound && strings.Contains(strings.ToLower(ce.Message), "lease not found") {
			return []*client.Response(nil), nil
		}
		return res, err
	}
	return f.do(L, x)
}

// appsCreateImpl is fly.apps.create(body): org_slug defaults to "personal",
// as it does for fly.apps.list.
func appsCreateImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	if t, ok := L.Get(1).(*lua.LTable); ok && t.RawGetString("org_slug") == lua.LNil {
		if err := lazy.Force(t); err != nil { // a record standing in for the body
			f.raiseInvalid(L, fn.Name, err.Error())
		}
		body := L.NewTable()
		t.ForEach(func(k, v lua.LValue) { body.RawSet(k, v) })
		body.RawSetString("org_slug", lua.LString(defaultOrg))
		L.Replace(1, body)
	}
	var name lua.LValue = lua.LNil
	if t, ok := L.Get(1).(*lua.LTable); ok {
		name = t.RawGetString("name")
	}
	x := f.restExchange(f.build(L, fn, app))
	push := x.push
	x.push = func(L *lua.LState, res any) int {
		n := push(L, res)
		// The answer is {id, created_at}: the record also gets the name it
		// was created with, so that it stands in for the app as others do
		// (fly.use(app), fly.apps.destroy(app)).
		if rec, ok := L.Get(-1).(*lua.LTable); ok && n == 1 && name != lua.LNil && rec.RawGetString("name") == lua.LNil {
			rec.RawSetString("name", name)
		}
		return n
	}
	return f.do(L, x)
}

// defaultOrg is the organization of fly.apps.list and fly.apps.create when
// none is given.
const defaultOrg = "personal"

// missingParent reports whether a 404's message is about the machine or the
// app rather than the key.
func missingParent(msg string) bool {
	msg = strings.ToLower(msg)
	return strings.Contains(msg, "machine not found") || strings.Contains(msg, "app not found")
}

// metadataSetImpl is fly.metadata.set(id, key, value) and
// fly.metadata.set(id, {k = v}, opts?).
func metadataSetImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	switch v := L.Get(2); v.(type) {
	case lua.LString:
		return generic(f, L, metadataSetKey, app)
	case *lua.LTable:
		return generic(f, L, metadataSetMany, app)
	default:
		typeError(L, 2, fn.Name, "string or table", v)
	}
	return 0
}

// useImpl is fly.use(name).
func useImpl(f *Fly, L *lua.LState, fn *Func, _ string) int {
	name := checkRef(L, 1, fn.Name, L.Get(1), "name")
	f.app = name
	return f.pushHandle(L, name)
}

// appImpl is fly.app(name?).
func appImpl(f *Fly, L *lua.LState, fn *Func, _ string) int {
	if L.Get(1) == lua.LNil {
		if f.app == "" {
			f.raise(L, fn.Name, &Error{Code: codeInvalidArgument, Message: noAppMessage, Hint: noAppHint})
		}
		return f.pushHandle(L, f.app)
	}
	return f.pushHandle(L, checkRef(L, 1, fn.Name, L.Get(1), "name"))
}

func (f *Fly) pushHandle(L *lua.LState, app string) int {
	h, err := f.handle(app)
	if err != nil {
		L.RaiseError("%s", err.Error())
	}
	L.Push(h)
	return 1
}

// requestImpl is fly.request(method, path, body?, opts?).
func requestImpl(f *Fly, L *lua.LState, fn *Func, _ string) int {
	method := strings.ToUpper(checkID(L, 1, fn.Name, L.Get(1)))
	path := checkID(L, 2, fn.Name, L.Get(2))
	if !strings.HasPrefix(path, "/") {
		argError(L, 2, fn.Name, `path expected, starting with "/"`)
	}
	req := &client.Request{Method: method, Query: url.Values{}}
	if p, q, ok := strings.Cut(path, "?"); ok {
		path = p
		vals, err := url.ParseQuery(q)
		if err != nil {
			argError(L, 2, fn.Name, "bad query string: "+err.Error())
		}
		req.Query = vals
	}
	req.Pattern = path
	if body := L.Get(3); body != lua.LNil {
		e := f.encoder()
		if err := e.value(body, nil, nil); err != nil {
			f.raiseInvalid(L, fn.Name, "body: "+err.Error())
		}
		req.Body = e.buf
	}
	if v := L.Get(4); v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			typeError(L, 4, fn.Name, "table", v)
		}
		if err := lazy.Force(t); err != nil { // a record standing in for the options
			f.raiseInvalid(L, fn.Name, err.Error())
		}
		keys, bad := sortedStringKeys(t)
		if bad != nil {
			f.raiseInvalid(L, fn.Name, "options must have string keys")
		}
		for _, k := range keys {
			val := t.RawGetString(k)
			switch k {
			case "query":
				qt, ok := val.(*lua.LTable)
				if !ok {
					f.raiseInvalid(L, fn.Name, "query: expected table, got "+luaTypeName(val))
				}
				qkeys, bad := sortedStringKeys(qt)
				if bad != nil {
					f.raiseInvalid(L, fn.Name, "query: keys must be strings")
				}
				for _, qk := range qkeys {
					vals, err := queryValues(qt.RawGetString(qk), nil)
					if tv, isTable := qt.RawGetString(qk).(*lua.LTable); isTable {
						vals, err = queryValues(tv, &Schema{Type: "array"})
					}
					if err != nil {
						f.raiseInvalid(L, fn.Name, "query."+qk+": "+err.Error())
					}
					for _, s := range vals {
						req.Query.Add(qk, s)
					}
				}
			case "nonce":
				s, ok := val.(lua.LString)
				if !ok {
					f.raiseInvalid(L, fn.Name, "nonce: expected string, got "+luaTypeName(val))
				}
				req.Nonce = string(s)
			default:
				f.raiseInvalid(L, fn.Name, k+": "+unknownField(k, []string{"nonce", "query"}))
			}
		}
	}
	return f.do(L, f.single(fn.Name, req, func(L *lua.LState, resp *client.Response) int {
		v, err := f.decodeAnswer(resp, nil)
		if err != nil {
			f.raise(L, fn.Name, err)
		}
		L.Push(v)
		L.Push(lua.LNumber(resp.StatusCode))
		return 2
	}))
}
