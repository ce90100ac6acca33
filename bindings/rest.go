package bindings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lazy"
)

// call is a request being built from a function's Lua arguments.
type call struct {
	fn     *Func
	op     *operation
	req    *client.Request
	whole  lua.LValue // the body table, when the function takes one
	fields []bodyField
	local  map[string]lua.LValue // options the binding handles itself
	app    string
}

type bodyField struct {
	name string
	v    lua.LValue
}

// hasLimit reports whether the caller asked for one page.
func (c *call) hasLimit() bool { return c.req.Query.Has("limit") }

// generic is the binding of an ordinary REST function: arguments mapped by
// the registry's Param.In, one request (or one per page), the answer
// converted.
func generic(f *Fly, L *lua.LState, fn *Func, app string) int {
	c := f.build(L, fn, app)
	return f.do(L, f.restExchange(c))
}

// splitOp splits "POST /v1/..." into method and pattern.
func splitOp(op string) (string, string) {
	method, pattern, _ := strings.Cut(op, " ")
	return method, pattern
}

// build checks fn's arguments on L's stack and builds the request.
func (f *Fly) build(L *lua.LState, fn *Func, app string) *call {
	method, pattern := splitOp(fn.Ops[0])
	c := &call{
		fn:  fn,
		op:  opInfo(fn.Ops[0]),
		req: &client.Request{Method: method, Pattern: pattern, Params: map[string]string{}, Query: url.Values{}},
		app: app,
	}
	if app != "" {
		c.req.Params["app_name"] = app
	}
	for i, p := range fn.Params {
		n := i + 1
		v := L.Get(n)
		kind, name, _ := strings.Cut(p.In, ":")
		switch kind {
		case "path":
			if field, ok := refFields[name]; ok {
				c.req.Params[name] = checkRef(L, n, fn.Name, v, field)
			} else {
				c.req.Params[name] = checkID(L, n, fn.Name, v)
			}
		case "header":
			c.req.Nonce = checkRef(L, n, fn.Name, v, "nonce")
		case "query":
			if v == lua.LNil {
				if !p.Optional {
					typeError(L, n, fn.Name, p.Type, v)
				}
				continue
			}
			vals, err := queryValues(v, c.queryParam(name))
			if err != nil {
				argError(L, n, fn.Name, luaStyle(err.Error()))
			}
			for _, s := range vals {
				c.req.Query.Add(name, s)
			}
		case "body":
			if v == lua.LNil {
				if !p.Optional {
					typeError(L, n, fn.Name, p.Type, v)
				}
				continue
			}
			if name == "" {
				if _, ok := v.(*lua.LTable); !ok {
					typeError(L, n, fn.Name, "table", v)
				}
				c.whole = v
				continue
			}
			f.checkField(L, n, fn.Name, name, v, c.bodyField(name))
			c.fields = append(c.fields, bodyField{name, v})
		case "opts":
			f.applyOpts(L, n, c, v)
		}
	}
	if c.req.Nonce == "" && leaseGuarded[fn.Ops[0]] {
		c.req.Nonce = f.heldNonce(app, c.req.Params["machine_id"])
	}
	f.encodeBody(L, c)
	return c
}

// leaseGuarded are the machine mutations that carry the nonce of a lease
// held by fly.leases.with.
var leaseGuarded = map[string]bool{
	"POST /v1/apps/{app_name}/machines/{machine_id}":          true,
	"DELETE /v1/apps/{app_name}/machines/{machine_id}":        true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/start":    true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/stop":     true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/restart":  true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/suspend":  true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/cordon":   true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/uncordon": true,
	"POST /v1/apps/{app_name}/machines/{machine_id}/signal":   true,
}

func (c *call) queryParam(name string) *Schema {
	if c.op != nil {
		for _, p := range c.op.Params {
			if p.Name == name {
				return p.Schema
			}
		}
	}
	return nil
}

func (c *call) bodyField(name string) *Schema {
	if c.op != nil && c.op.Body != nil {
		return c.op.Body.Properties[name]
	}
	return nil
}

// checkID checks an identifier argument: a non-empty string.
func checkID(L *lua.LState, n int, fn string, v lua.LValue) string {
	s, ok := v.(lua.LString)
	if !ok {
		typeError(L, n, fn, "string", v)
	}
	if s == "" {
		argError(L, n, fn, "non-empty string expected, got empty string")
	}
	return string(s)
}

// refFields name the field of a record that stands in for an identifier:
// a machine, volume or cluster record gives its id, an app its name, a
// certificate its hostname. Other path parameters take strings only.
var refFields = map[string]string{
	"machine_id":          "id",
	"volume_id":           "id",
	"postgres_cluster_id": "id",
	"app_name":            "name",
	"hostname":            "hostname",
}

// checkRef checks an identifier argument that a record may stand in for:
// a non-empty string, or a table whose field (a record's "id", "name", a
// lease's "nonce") is one. fly.machines.stop(m) is fly.machines.stop(m.id).
func checkRef(L *lua.LState, n int, fn string, v lua.LValue, field string) string {
	t, ok := v.(*lua.LTable)
	if !ok {
		return checkID(L, n, fn, v)
	}
	s, ok := t.RawGetString(field).(lua.LString)
	if !ok || s == "" {
		argError(L, n, fn, "string or record with "+field+" expected, got table without "+field)
	}
	return string(s)
}

// checkField checks a positional argument that becomes the body field name.
// Its mistakes read as Lua's argument errors; an integer out of range also
// names the field ("limit_mb: expected integer, got number 9e+18 (out of
// range ...)").
func (f *Fly) checkField(L *lua.LState, n int, fn, name string, v lua.LValue, s *Schema) {
	if err := f.encoder().value(v, s, nil); err != nil {
		if err.Range {
			argError(L, n, fn, f.encoder().value(v, s, &path{key: name}).Error())
		}
		argError(L, n, fn, luaStyle(err.Error()))
	}
}

// luaStyle turns "expected integer, got string" into Lua's argument-error
// wording "integer expected, got string".
func luaStyle(msg string) string {
	if rest, ok := strings.CutPrefix(msg, "expected "); ok {
		if want, got, ok := strings.Cut(rest, ", got "); ok && !strings.Contains(want, " ") {
			return want + " expected, got " + got
		}
	}
	return msg
}

// applyOpts reads the options table at argument n into c.
func (f *Fly) applyOpts(L *lua.LState, n int, c *call, v lua.LValue) {
	fn := c.fn
	ro := optionsOf(fn)
	given := map[string]bool{}
	if v != lua.LNil {
		t, ok := v.(*lua.LTable)
		if !ok {
			typeError(L, n, fn.Name, "table", v)
		}
		if err := lazy.Force(t); err != nil { // a record standing in for options
			f.raiseInvalid(L, fn.Name, err.Error())
		}
		keys, bad := sortedStringKeys(t)
		if bad != nil {
			f.raiseInvalid(L, fn.Name, "options must have string keys, got "+luaTypeName(bad)+" key "+bad.String())
		}
		for _, k := range keys {
			field, ok := ro.byName[k]
			if !ok {
				f.raiseInvalid(L, fn.Name, k+": "+unknownField(k, ro.names))
			}
			given[k] = true
			if err := f.setOption(c, field, ro.schema[k], t.RawGetString(k)); err != nil {
				f.raiseInvalid(L, fn.Name, k+": "+err.Error())
			}
		}
	}
	for _, name := range ro.names {
		field := ro.byName[name]
		if field.def != nil && !given[name] {
			if err := f.setOption(c, field, ro.schema[name], field.def); err != nil {
				f.raiseInvalid(L, fn.Name, name+": "+err.Error())
			}
		}
	}
}

// setOption routes one option value into the request.
func (f *Fly) setOption(c *call, field *Field, s *Schema, v lua.LValue) error {
	if field.Type == "duration" {
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		switch field.enc {
		case "string":
			v = lua.LString(d.String())
		default:
			v = lua.LNumber(seconds(d))
		}
		if field.in == "query" {
			s = nil
		}
	}
	if len(field.enum) > 0 {
		if err := checkEnum(v, field.enum); err != nil {
			return err
		}
	}
	switch field.in {
	case "query":
		if strings.HasPrefix(field.Type, "table<") {
			return addQueryMap(c.req.Query, field.Name, v)
		}
		vals, err := queryValues(v, s)
		if err != nil {
			return errors.New(strings.TrimPrefix(err.Error(), ": "))
		}
		for _, x := range vals {
			c.req.Query.Add(field.Name, x)
		}
	case "body":
		e := f.encoder()
		if err := e.value(v, s, nil); err != nil {
			return errors.New(err.Msg)
		}
		c.fields = append(c.fields, bodyField{field.Name, v})
	case "header":
		str, ok := v.(lua.LString)
		if !ok {
			return fmt.Errorf("expected string, got %s", luaTypeName(v))
		}
		c.req.Nonce = string(str)
	default:
		if c.local == nil {
			c.local = map[string]lua.LValue{}
		}
		c.local[field.Name] = v
	}
	return nil
}

// checkEnum checks an option with known values: a string (a
// comma-separated list of values) or a list of strings.
func checkEnum(v lua.LValue, enum []string) error {
	var vals []string
	switch x := v.(type) {
	case lua.LString:
		vals = strings.Split(string(x), ",")
	case *lua.LTable:
		n, _ := arrayLen(x)
		for i := 1; i <= n; i++ {
			s, ok := x.RawGetInt(i).(lua.LString)
			if !ok {
				return fmt.Errorf("[%d]: expected string, got %s", i, luaTypeName(x.RawGetInt(i)))
			}
			vals = append(vals, string(s))
		}
	default:
		return nil // the type check that follows names the mistake
	}
	for _, s := range vals {
		if !contains(enum, strings.TrimSpace(s)) {
			return fmt.Errorf("%s", enumMessage(s, enum))
		}
	}
	return nil
}

// encodeBody validates and encodes the request body.
func (f *Fly) encodeBody(L *lua.LState, c *call) {
	if c.op == nil || c.op.Body == nil {
		if c.whole == nil && len(c.fields) == 0 {
			return
		}
	}
	var schema *Schema
	if c.op != nil {
		schema = c.op.Body
	}
	body := c.whole
	if len(c.fields) > 0 {
		t := L.NewTable()
		if w, ok := c.whole.(*lua.LTable); ok {
			if err := lazy.Force(w); err != nil {
				L.RaiseError("%s", err.Error())
			}
			w.ForEach(func(k, v lua.LValue) { t.RawSet(k, v) })
		}
		for _, fl := range c.fields {
			t.RawSetString(fl.name, fl.v)
		}
		body = t
	}
	if body == nil {
		c.req.Body = []byte("{}")
		return
	}
	e := f.encoder()
	if err := e.value(body, schema, nil); err != nil {
		f.raiseInvalid(L, c.fn.Name, err.Error())
	}
	c.req.Body = e.buf
}

// restExchange performs c's request, following pages unless opts.limit
// asked for one.
func (f *Fly) restExchange(c *call) exchange {
	fn := c.fn
	follow := fn.paging != pageNone && !c.hasLimit()
	return exchange{
		op: fn.Name,
		run: func(ctx context.Context) (any, error) {
			return f.pages(ctx, c.req, fn.paging, follow)
		},
		push: func(L *lua.LState, res any) int {
			return f.pushAnswer(L, fn, c.op, res.([]*client.Response))
		},
	}
}

// maxPages bounds pagination against a server that never stops.
const maxPages = 100000

// pages performs req and, when follow is set, every further page.
func (f *Fly) pages(ctx context.Context, req *client.Request, how paging, follow bool) ([]*client.Response, error) {
	var out []*client.Response
	seen := map[string]bool{}
	for {
		resp, err := f.send(ctx, req)
		if err != nil {
			return nil, err
		}
		out = append(out, resp)
		if !follow {
			return out, nil
		}
		next := ""
		switch how {
		case pageHeader:
			next = resp.Header.Get("fly-next-cursor")
		case pageBody:
			var page struct {
				NextCursor string `json:"next_cursor"`
			}
			_ = json.Unmarshal(resp.Body, &page)
			next = page.NextCursor
		}
		if next == "" || seen[next] || len(out) >= maxPages {
			return out, nil
		}
		seen[next] = true
		r := *req
		r.Query = url.Values{}
		for k, v := range req.Query {
			r.Query[k] = v
		}
		r.Query.Set("cursor", next)
		req = &r
	}
}

// decodeAnswer decodes one response body guided by the operation's response
// schema; bodies that are not JSON come back as strings.
func (f *Fly) decodeAnswer(resp *client.Response, s *Schema) (lua.LValue, error) {
	body := resp.Body
	if len(bytes.TrimSpace(body)) == 0 {
		return lua.LNil, nil
	}
	ct := resp.Header.Get("Content-Type")
	if ct != "" && !strings.Contains(ct, "json") {
		return lua.LString(body), nil
	}
	v, err := decodeJSON(body, s, f.decodeEnv())
	if err != nil {
		if s != nil && s.Type == "string" || ct == "" {
			return lua.LString(body), nil
		}
		return lua.LNil, fmt.Errorf("decoding the answer: %w", err)
	}
	return v, nil
}

// pushAnswer converts the pages of fn's answer and pushes the result.
func (f *Fly) pushAnswer(L *lua.LState, fn *Func, op *operation, pages []*client.Response) int {
	if fn.noValue {
		return 0
	}
	var schema *Schema
	if op != nil {
		schema = op.Response
	}
	collection := fn.paging != pageNone || (schema != nil && schema.Type == "array")
	if fn.unwrap != "" && schema != nil {
		if inner := schema.Properties[fn.unwrap]; inner != nil && inner.Type == "array" {
			collection = true
		}
	}
	var all *lua.LTable
	if collection {
		all = L.NewTable()
		if mt := f.arrayMeta(); mt != nil {
			all.Metatable = mt
		}
	}
	inner := schema // the schema of what is returned
	if fn.unwrap != "" && schema != nil {
		if p := schema.Properties[fn.unwrap]; p != nil {
			inner = p
		} else {
			// the document describes the answer without its envelope
			schema = &Schema{Type: "object", Properties: map[string]*Schema{fn.unwrap: schema}}
		}
	}
	for _, resp := range pages {
		v, err := f.decodeAnswer(resp, schema)
		if err != nil {
			f.raise(L, fn.Name, err)
		}
		v = unwrap(v, fn.unwrap)
		if t, ok := v.(*lua.LTable); ok && t.Metatable == lua.LNil && inner != nil {
			if mt := f.recordMeta(inner.Name); mt != nil {
				t.Metatable = mt // an answer that came without the envelope
			}
		}
		if !collection {
			if v == lua.LNil {
				return 0
			}
			L.Push(v)
			return 1
		}
		if t, ok := v.(*lua.LTable); ok {
			n := t.Len()
			base := all.Len()
			for i := 1; i <= n; i++ {
				all.RawSetInt(base+i, t.RawGetInt(i))
			}
		}
	}
	if all == nil {
		L.Push(lua.LNil)
		return 1
	}
	L.Push(all)
	return 1
}

// unwrap returns v's field key when v is an envelope holding it.
func unwrap(v lua.LValue, key string) lua.LValue {
	if key == "" {
		return v
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return v
	}
	if err := lazy.FillKey(t, key); err != nil {
		return v
	}
	if inner := t.RawGetString(key); inner != lua.LNil {
		return inner
	}
	return v
}
