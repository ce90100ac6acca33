package stdlib

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// jsonFuncs is the json module; json.null is added by Open.
func (in *instance) jsonFuncs() map[string]lua.LGFunction {
	return map[string]lua.LGFunction{
		"array":  in.jsonArray,
		"decode": in.jsonDecode,
		"encode": in.jsonEncode,
	}
}

// json.encode(v, {indent = n | "  " | true}) -> string
func (in *instance) jsonEncode(L *lua.LState) int {
	const name = "json.encode"
	if L.GetTop() < 1 {
		argError(L, name, 1, "value expected")
	}
	opts := optTable(L, name, 2)
	checkOptions(L, name, 2, opts, "indent")
	enc := Encoder{MaxBytes: in.roomLeft()}
	if opts != nil {
		switch v := opts.RawGetString("indent").(type) {
		case *lua.LNilType:
		case lua.LBool:
			if v {
				enc.Indent = "  "
			}
		case lua.LNumber:
			if v < 0 || v > 16 || float64(v) != float64(int(v)) {
				L.RaiseError("%s: indent: expected a whole number from 0 to 16, got %s", name, v.String())
			}
			enc.Indent = strings.Repeat(" ", int(v))
		case lua.LString:
			if strings.Trim(string(v), " \t") != "" {
				L.RaiseError("%s: indent: expected spaces or tabs, got %q", name, string(v))
			}
			enc.Indent = string(v)
		default:
			L.RaiseError("%s: indent: expected a number or a string, got %s", name, typeName(v))
		}
	}
	enc.Context = L.Context()
	out, err := enc.Encode(L.Get(1))
	if err != nil {
		L.RaiseError("%s: %s", name, err.Error())
	}
	L.Push(lua.LString(out))
	return 1
}

// json.decode(s) -> value
func (in *instance) jsonDecode(L *lua.LState) int {
	const name = "json.decode"
	s, ok := L.Get(1).(lua.LString)
	if !ok {
		argError(L, name, 1, "string expected, got "+typeName(L.Get(1)))
	}
	v, err := FromJSON(L, []byte(s))
	if err != nil {
		L.RaiseError("%s: %s", name, err.Error())
	}
	L.Push(v)
	return 1
}

// json.array(t?) -> t, marked to encode as a JSON array even when empty.
func (in *instance) jsonArray(L *lua.LState) int {
	const name = "json.array"
	var t *lua.LTable
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		t = L.NewTable()
	case *lua.LTable:
		t = v
	default:
		argError(L, name, 1, "table expected, got "+typeName(v))
	}
	switch mt := t.Metatable.(type) {
	case *lua.LNilType:
		t.Metatable = in.arrayMT
	case *lua.LTable:
		if mt != in.arrayMT {
			L.RaiseError("%s: the table already has a metatable (set %s = \"array\" in it instead)", name, jsonTypeField)
		}
	}
	L.Push(t)
	return 1
}
