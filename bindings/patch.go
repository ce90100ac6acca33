package bindings

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
)

// patchRetries is how many times fly.machines.patch re-reads and retries
// when the machine changed between its read and its update.
const patchRetries = 3

// keepStopped are the states a machine keeps through fly.machines.patch
// unless changes.skip_launch says otherwise: an update without skip_launch
// would start it. A failed machine is not kept: patching it (a rollback,
// a fix) is meant to bring it back.
var keepStopped = map[string]bool{"stopped": true, "suspended": true, "created": true}

// patchImpl is fly.machines.patch(id, changes, opts?): read the machine,
// deep-merge changes into it, update it with current_version set to the
// version read, and on a 409 about that version read again and retry.
func patchImpl(f *Fly, L *lua.LState, fn *Func, app string) int {
	c := f.build(L, fn, app)
	retries := patchRetries
	if v, ok := c.local["retries"]; ok {
		n, isNum := v.(lua.LNumber)
		if !isNum || float64(n) != float64(int(n)) || n < 0 || n > 100 {
			f.raiseInvalid(L, fn.Name, "retries: expected a whole number from 0 to 100, got "+v.String())
		}
		retries = int(n)
	}
	var changes map[string]any
	if err := decodeNumbers(c.req.Body, &changes); err != nil {
		f.raise(L, fn.Name, err)
	}
	id, nonce := c.req.Params["machine_id"], c.req.Nonce
	update := c.req
	return f.do(L, exchange{
		op: fn.Name,
		run: func(ctx context.Context) (any, error) {
			return f.patch(ctx, update, app, id, nonce, changes, retries)
		},
		push: func(L *lua.LState, res any) int {
			v, err := f.decodeAnswer(res.(*client.Response), c.op.Response)
			if err != nil {
				f.raise(L, fn.Name, err)
			}
			L.Push(v)
			return 1
		},
	})
}

// patch performs the reads and updates of fly.machines.patch; it touches no
// Lua state.
func (f *Fly) patch(ctx context.Context, update *client.Request, app, id, nonce string, changes map[string]any, retries int) (*client.Response, error) {
	params := map[string]string{"app_name": app, "machine_id": id}
	for attempt := 0; ; attempt++ {
		got, err := f.send(ctx, &client.Request{Method: http.MethodGet, Pattern: machinePath, Params: params})
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := decodeNumbers(got.Body, &m); err != nil {
			return nil, fmt.Errorf("decoding the machine: %w", err)
		}
		body := patchBody(m, changes)
		enc, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		req := *update
		req.Body, req.Nonce = enc, nonce
		resp, err := f.send(ctx, &req)
		var ce *client.Error
		if err != nil && attempt < retries && errors.As(err, &ce) && ce.StatusCode == http.StatusConflict &&
			strings.Contains(ce.Message, "current_version") && changes["current_version"] == nil {
			continue // changed since read: read again
		}
		return resp, err
	}
}

// patchBody is the UpdateMachineRequest of a patch: the machine's config
// with changes.config merged in, changes' other fields, current_version set
// to the version read, and skip_launch for a machine that is not running.
func patchBody(m, changes map[string]any) map[string]any {
	body := map[string]any{}
	for k, v := range changes {
		if k != "config" && v != nil {
			body[k] = v
		}
	}
	config, _ := m["config"].(map[string]any)
	if cc, ok := changes["config"]; ok {
		body["config"] = merge(config, cc)
	} else if config != nil {
		body["config"] = config
	}
	if _, ok := body["current_version"]; !ok {
		if v, ok := m["version"].(string); ok && v != "" {
			body["current_version"] = v
		} else if v, ok := m["instance_id"].(string); ok && v != "" {
			body["current_version"] = v
		}
	}
	if _, ok := changes["skip_launch"]; !ok {
		if st, _ := m["state"].(string); keepStopped[st] {
			body["skip_launch"] = true
		}
	}
	return body
}

// merge returns base with change merged in: objects merge key by key, a
// null deletes the key, anything else (arrays too) replaces. base is not
// modified.
func merge(base any, change any) any {
	cm, ok := change.(map[string]any)
	if !ok {
		return change
	}
	bm, ok := base.(map[string]any)
	if !ok {
		bm = nil
	}
	out := make(map[string]any, len(bm)+len(cm))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range cm {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = merge(out[k], v)
	}
	return out
}

// decodeNumbers decodes JSON keeping numbers as they were written, so that
// a config read and written back loses no digits.
func decodeNumbers(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}
