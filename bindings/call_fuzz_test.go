package bindings

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/stdlib"
)

// The fuzz target of this file calls the functions of the fly module with
// Lua values built from the fuzzer's bytes, through the Lua calling
// convention, and holds what each call does to a few rules: a Go panic never
// escapes (a failure is a Lua error raised on purpose, naming the
// function), and every request body sent is valid JSON that the operation's
// schema accepts (known keys only, whole numbers for integers, enums
// respected).

// capture is an http.RoundTripper that records each request and answers
// `{}`: no network, no server.
type capture struct {
	mu   sync.Mutex
	reqs []capturedReq
}

type capturedReq struct {
	method, path, query string
	body                []byte
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	c.mu.Lock()
	c.reqs = append(c.reqs, capturedReq{r.Method, r.URL.Path, r.URL.RawQuery, body})
	c.mu.Unlock()
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
}

func (c *capture) take() []capturedReq {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.reqs
	c.reqs = nil
	return out
}

var (
	fuzzDictOnce sync.Once
	fuzzDict     []string
)

// fuzzWords are the strings the generator picks from: every property name
// and enum value of the document, and a few awkward strings.
func fuzzWords() []string {
	fuzzDictOnce.Do(func() {
		seen := map[string]bool{}
		var walk func(s *Schema, depth int)
		walk = func(s *Schema, depth int) {
			if s == nil || depth > 6 {
				return
			}
			for _, n := range s.PropertyNames() {
				seen[n] = true
				walk(s.Properties[n], depth+1)
			}
			for _, e := range s.Enum {
				seen[e] = true
			}
			walk(s.Items, depth+1)
			walk(s.Additional, depth+1)
		}
		for _, n := range SchemaNames() {
			walk(LookupSchema(n), 0)
		}
		for _, fn := range Registry() {
			for _, o := range fn.Options() {
				seen[o.Name] = true
			}
		}
		for _, w := range []string{"", "m1", "web", "ord", "nginx:1.27", "1", "-1", "1.5", "90s", "2m", "true",
			"\x00", "\xff\xfe", "é", "\u2028", `"`, `\`, "{}", "[]", "null", "../x", "a/b", "%2F", "FlyV1 fm2_x"} {
			seen[w] = true
		}
		for w := range seen {
			fuzzDict = append(fuzzDict, w)
		}
		sort.Strings(fuzzDict)
	})
	return fuzzDict
}

// fuzzWord is the program that pushes the dictionary word w, nil when w
// is not in the dictionary.
func fuzzWord(w string) []byte {
	words := fuzzWords()
	i := sort.SearchStrings(words, w)
	if i == len(words) || words[i] != w {
		return nil
	}
	return []byte{3, byte(i >> 8), byte(i)}
}

// genValues runs the fuzzer's bytes as a small stack program that builds
// Lua values, and returns the stack: the call's arguments.
func genValues(L *lua.LState, data []byte) []lua.LValue {
	words := fuzzWords()
	var stack []lua.LValue
	pos := 0
	next := func() byte {
		if pos >= len(data) {
			return 0
		}
		b := data[pos]
		pos++
		return b
	}
	top := func() *lua.LTable {
		if len(stack) == 0 {
			return nil
		}
		t, _ := stack[len(stack)-1].(*lua.LTable)
		return t
	}
	pop := func() lua.LValue {
		if len(stack) == 0 {
			return lua.LNil
		}
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		return v
	}
	specials := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e18, -1e18, 1 << 53, 1<<53 + 1, 1 << 63, 1e300,
		math.MaxInt32 + 1, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64}
	for steps := 0; pos < len(data) && steps < 512 && len(stack) < 64; steps++ {
		switch next() % 16 {
		case 0:
			stack = append(stack, lua.LNil)
		case 1:
			stack = append(stack, lua.LNumber(int8(next())))
		case 2:
			var b [8]byte
			for i := range b {
				b[i] = next()
			}
			stack = append(stack, lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(b[:]))))
		case 3, 4:
			i := int(next())<<8 | int(next())
			stack = append(stack, lua.LString(words[i%len(words)]))
		case 5:
			n := int(next() % 24)
			end := min(pos+n, len(data))
			stack = append(stack, lua.LString(data[pos:end]))
			pos = end
		case 6:
			stack = append(stack, lua.LBool(next()&1 == 1))
		case 7, 8:
			stack = append(stack, L.NewTable())
		case 9:
			// t[k] = v
			v, k := pop(), pop()
			if t := top(); t != nil && k != lua.LNil {
				if n, ok := k.(lua.LNumber); !ok || !math.IsNaN(float64(n)) {
					t.RawSet(k, v)
				}
			}
		case 10:
			v := pop()
			if t := top(); t != nil {
				t.Append(v)
			}
		case 11:
			stack = append(stack, stdlib.Null(L))
		case 12:
			stack = append(stack, L.NewFunction(func(*lua.LState) int { return 0 }))
		case 13:
			// a cycle
			if t := top(); t != nil {
				i := int(next())<<8 | int(next())
				t.RawSetString(words[i%len(words)], t)
			}
		case 14:
			stack = append(stack, lua.LNumber(specials[int(next())%len(specials)]))
		case 15:
			// json.array(t): an empty table that encodes as []
			if t := top(); t != nil {
				arr := L.GetField(L.GetGlobal("json"), "array")
				_ = L.CallByParam(lua.P{Fn: arr, NRet: 1, Protect: true}, t)
				L.Pop(1)
			}
		}
	}
	return stack
}

// lookupLua finds fn's Lua function under the fly table.
func lookupLua(L *lua.LState, f *Fly, name string) lua.LValue {
	var v lua.LValue = f.Module()
	for _, part := range strings.Split(strings.TrimPrefix(name, "fly."), ".") {
		t, ok := v.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		v = L.GetField(t, part)
	}
	return v
}

// FuzzCallArguments builds the arguments of one fly function from the
// fuzzer's bytes and calls it.
//
//	go test ./bindings -run '^$' -fuzz FuzzCallArguments -fuzztime 5m
func FuzzCallArguments(f *testing.F) {
	funcs := Registry()
	index := func(name string) uint16 {
		for i, fn := range funcs {
			if fn.Name == name {
				return uint16(i)
			}
		}
		f.Fatalf("no function %s", name)
		return 0
	}
	word := func(w string) []byte {
		b := fuzzWord(w)
		if b == nil {
			f.Fatalf("no word %q", w)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	set := []byte{9}
	table := []byte{7}
	num := func(b byte) []byte { return []byte{1, b} }
	// fly.machines.create{region = "ord", config = {image = "nginx:1.27", guest = {cpus = 1}}}
	create := cat(table, word("region"), word("ord"), set,
		word("config"), table, word("image"), word("nginx:1.27"), set,
		word("guest"), table, word("cpus"), num(1), set, set, set)
	f.Add(index("fly.machines.create"), create)
	f.Add(index("fly.machines.create"), cat(table, word("config"), table, word("guest"), table, word("cpus"), []byte{14, 14}, set, set, set))
	f.Add(index("fly.machines.create"), cat(table, word("config"), table, word("image"), []byte{11}, set, []byte{13, 0, 1}, set))
	f.Add(index("fly.machines.update"), cat(word("m1"), create))
	f.Add(index("fly.machines.stop"), cat(word("m1"), table, word("signal"), word("SIGTERM"), set, word("timeout"), word("90s"), set))
	f.Add(index("fly.machines.list"), cat(table, word("state"), word("started"), set, word("limit"), num(5), set))
	f.Add(index("fly.volumes.create"), cat(table, word("name"), word("data"), set, word("size_gb"), []byte{2, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f}, set))
	f.Add(index("fly.volumes.extend"), cat(word("m1"), []byte{14, 12}))
	f.Add(index("fly.metadata.set"), cat(word("m1"), table, word("role"), []byte{11}, set, []byte{4, 0, 7, 12}, set))
	f.Add(index("fly.secrets.set"), cat(table, word("web"), word("1"), set, []byte{1, 3, 6, 1}, set))
	f.Add(index("fly.request"), cat(word("nginx:1.27"), word("../x"), table, []byte{1, 1, 12}, set))
	f.Add(index("fly.machines.wait"), cat(word("m1"), table, []byte{7}, word("started"), []byte{10}, word("timeout"), word("2m"), set))
	f.Add(index("fly.apps.create"), cat(table, []byte{1, 1, 1, 2}, set, table, []byte{15}))
	f.Add(index("fly.machines.exec"), cat(word("m1"), table, word("web"), []byte{10}, []byte{5, 3, 'a', 0, 'b'}, []byte{10}))

	f.Fuzz(func(t *testing.T, which uint16, data []byte) {
		fn := funcs[int(which)%len(funcs)]
		reqs, err := fuzzCall(t, fn, data)
		if err != nil {
			var ae *lua.ApiError
			if !errors.As(err, &ae) || ae.Type == lua.ApiErrorPanic {
				t.Fatalf("%s panicked: %v", fn.Name, err)
			}
			msg := ae.Object.String()
			if fe := AsError(ae.Object); fe != nil {
				msg = fe.Error()
			}
			if strings.Contains(msg, context.DeadlineExceeded.Error()) {
				t.Fatalf("%s did not return within 2s", fn.Name)
			}
			if !strings.Contains(msg, fn.Name) && !strings.Contains(msg, "bad argument") {
				t.Errorf("%s raised an error that does not name it: %q", fn.Name, msg)
			}
		}
		for _, r := range reqs {
			if strings.Contains(r.query, "fuzz-token") {
				t.Fatalf("token in a query: %s", r.query)
			}
			if r.body == nil {
				continue
			}
			if !json.Valid(r.body) {
				t.Fatalf("%s sent a body that is not JSON: %q", fn.Name, r.body)
			}
			if fn.impl != nil || len(fn.Ops) == 0 {
				continue // custom bindings shape their own bodies
			}
			op := opInfo(fn.Ops[0])
			if op == nil || op.Body == nil || r.method != strings.SplitN(fn.Ops[0], " ", 2)[0] {
				continue
			}
			d := json.NewDecoder(bytes.NewReader(r.body))
			d.UseNumber()
			var v any
			if err := d.Decode(&v); err != nil {
				t.Fatalf("%s: %v", fn.Name, err)
			}
			if msg := conforms(v, op.Body, "", 0); msg != "" {
				t.Fatalf("%s sent %s: %s", fn.Name, r.body, msg)
			}
		}
	})
}

// fuzzCall calls fn with the arguments data builds, in a fresh state whose
// client records the requests instead of sending them.
func fuzzCall(t *testing.T, fn Func, data []byte) ([]capturedReq, error) {
	tr := &capture{}
	api, err := client.New(client.WithBaseURL("http://fuzz.invalid"), client.WithToken("fuzz-token"),
		client.WithHTTPClient(&http.Client{Transport: tr}), client.WithoutRateLimits(), client.WithRetryPolicy(client.NoRetries))
	if err != nil {
		t.Fatal(err)
	}
	L := lua.NewState()
	defer L.Close()
	if err := stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	fl, err := Open(L, Config{Client: api, App: "web", Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	luaFn := lookupLua(L, fl, fn.Name)
	if luaFn == lua.LNil {
		t.Fatalf("%s is registered but not installed", fn.Name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	L.SetContext(ctx)
	args := genValues(L, data)
	L.Push(luaFn)
	for _, a := range args {
		L.Push(a)
	}
	err = L.PCall(len(args), lua.MultRet, nil)
	return tr.take(), err
}

// conforms checks a decoded JSON value against s; "" when it conforms.
// JSON null is accepted anywhere: json.null is how a script clears a field.
func conforms(v any, s *Schema, path string, depth int) string {
	if s == nil || v == nil || depth > 64 {
		return ""
	}
	switch s.Type {
	case "string":
		str, ok := v.(string)
		if !ok {
			return path + ": want a string"
		}
		if len(s.Enum) > 0 && !contains(s.Enum, str) {
			return path + ": " + str + " is not in the enum"
		}
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return path + ": want an integer"
		}
		if strings.ContainsAny(string(n), ".eE") {
			return path + ": integer written as " + string(n)
		}
		if f, err := n.Float64(); err != nil || math.Abs(f) > 1<<53 {
			return path + ": integer beyond 2^53 sent: " + string(n)
		}
	case "number":
		if _, ok := v.(json.Number); !ok {
			return path + ": want a number"
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return path + ": want a boolean"
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return path + ": want an array"
		}
		for i, x := range arr {
			if msg := conforms(x, s.Items, path+"["+strconv.Itoa(i+1)+"]", depth+1); msg != "" {
				return msg
			}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return path + ": want an object"
		}
		for k, x := range obj {
			switch {
			case len(s.Properties) > 0:
				ps, ok := s.Properties[k]
				if !ok {
					return path + "." + k + ": unknown field sent"
				}
				if msg := conforms(x, ps, path+"."+k, depth+1); msg != "" {
					return msg
				}
			case s.Additional != nil:
				if msg := conforms(x, s.Additional, path+"."+k, depth+1); msg != "" {
					return msg
				}
			}
		}
	}
	return ""
}

// TestFuzzGeneratorBuildsCalls checks the generator on the first seed: the
// create it describes is sent as the body a script would send.
func TestFuzzGeneratorBuildsCalls(t *testing.T) {
	fn, ok := Lookup("fly.machines.create")
	require.True(t, ok)
	word := fuzzWord
	data := bytes.Join([][]byte{{7}, word("region"), word("ord"), {9},
		word("config"), {7}, word("image"), word("nginx:1.27"), {9},
		word("guest"), {7}, word("cpus"), {1, 1}, {9}, {9}, {9}}, nil)
	// The answer `{}` is not a machine; what matters is the request.
	reqs, err := fuzzCall(t, fn, data)
	require.Len(t, reqs, 1, "error: %v", err)
	assert.Equal(t, `{"config":{"guest":{"cpus":1},"image":"nginx:1.27"},"region":"ord"}`, string(reqs[0].body))
}

// TestHugeIntegerIsRejectedOrWritten: an integer field given 2^63 is either
// refused (it is not exact in a Lua number) or sent with its digits, never
// in exponent form ("9.223372036854776e+18"), which a Go server decoding
// into an int64 would reject. The fuzzer found the exponent form.
func TestHugeIntegerIsRejectedOrWritten(t *testing.T) {
	fn, ok := Lookup("fly.machines.set_memory_limit")
	require.True(t, ok)
	data := bytes.Join([][]byte{fuzzWord("m1"), {14, 9}}, nil) // specials[9] = 2^63
	reqs, err := fuzzCall(t, fn, data)
	if len(reqs) == 0 {
		require.Error(t, err)
		assert.Contains(t, err.Error(), "limit_mb")
		return
	}
	require.Len(t, reqs, 1)
	assert.False(t, bytes.ContainsAny(reqs[0].body, "eE"), "a whole number written in exponent form: %s", reqs[0].body)
}
