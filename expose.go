package flyscript

import (
	"context"
	"fmt"
	"reflect"

	lua "github.com/yuin/gopher-lua"
	luar "layeh.com/gopher-luar"
)

// Go methods and functions report failure with an error result, which
// gopher-luar hands to Lua as an opaque userdata ("userdata: 0x..."). Expose
// turns those results into their message, a Lua string: `local ok, err =
// deployer:Deploy(x)` gives err = "image not found", and nil when there was
// no error. It does so through gopher-luar's public metatables: the method
// table of each Go type reachable from the exposed value (through method
// results and struct fields) gets wrappers that convert error results.

// A Go function or method whose first parameter is a context.Context gets
// the context of the call running the script (its deadline, Close, the
// memory watchdog), so that it can stop with the script; scripts call it
// without that argument. The wrappers below insert it.

// errorsConverted marks a method table already wrapped.
const errorsConverted = "__flyscript_errors"

var contextType = reflect.TypeOf((*context.Context)(nil)).Elem()

// exposeValue converts value for Lua as Expose does.
func exposeValue(L *lua.LState, value any) lua.LValue {
	lv := luar.New(L, value)
	convertTypes(L, reflect.TypeOf(value), map[reflect.Type]bool{}, 0)
	if fn, ok := lv.(*lua.LFunction); ok {
		return wrapGo(L, fn, reflect.TypeOf(value), 0)
	}
	return lv
}

// wrapGo wraps fn, gopher-luar's function for a Go function or method of
// type t, as exposing needs: error results become their message, a first
// parameter (after recv receivers) of type context.Context gets the
// running call's context, and a panic is a Lua error at the line that
// called the function ("x.lua:2: the panic's value"), as an error raised
// by Go is.
func wrapGo(L *lua.LState, fn *lua.LFunction, t reflect.Type, recv int) *lua.LFunction {
	withCtx := takesContext(t, recv)
	check := convertsTables(t)
	return L.NewFunction(func(L *lua.LState) int {
		if check {
			checkDepths(L, 1)
		}
		defer func() {
			if r := recover(); r != nil {
				if _, isLua := r.(*lua.ApiError); isLua {
					panic(r) // an error raised in Lua, passing through
				}
				msg := fmt.Sprint(r)
				if where := luaWhere(L); where != "" {
					msg = where + ": " + msg
				}
				L.Error(lua.LString(msg), 0)
			}
		}()
		if withCtx {
			ctx := L.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			L.Insert(luar.New(L, ctx), recv+1)
		}
		n := L.GetTop()
		L.Insert(fn, 1)
		L.Call(n, lua.MultRet)
		top := L.GetTop()
		for i := 1; i <= top; i++ {
			if ud, ok := L.Get(i).(*lua.LUserData); ok {
				if err, ok := ud.Value.(error); ok {
					L.Replace(i, lua.LString(err.Error()))
				} else if ud.Value != nil {
					guardType(L, ud.Value)
				}
			}
		}
		return top
	})
}

// guardType wraps the metatable of v's dynamic type, a value a Go function
// returned, as Expose does (convertTypes) if it is not yet: a result
// declared as an interface, or of a type deeper than maxTypeDepth, was not
// seen when the function was exposed.
func guardType(L *lua.LState, v any) {
	mt := luar.MT(L, v)
	if mt == nil {
		return
	}
	if methods, ok := mt.RawGetString("methods").(*lua.LTable); ok && methods.RawGetString(errorsConverted) != lua.LNil {
		return
	}
	convertTypes(L, reflect.TypeOf(v), map[reflect.Type]bool{}, 0)
}

// convertsTables reports whether gopher-luar converts table arguments of
// a function of type t to Go values: a parameter that is not a Lua type.
func convertsTables(t reflect.Type) bool {
	if t == nil || t.Kind() != reflect.Func {
		return true
	}
	for i := range t.NumIn() {
		if !t.In(i).Implements(luaValueType) {
			return true
		}
	}
	return false
}

var luaValueType = reflect.TypeOf((*lua.LValue)(nil)).Elem()

// checkDepths raises a Lua error for a table argument, from index first,
// nested deeper than a Go value may be (maxConvertDepth): gopher-luar
// converts tables recursively, and a table nested a few million levels
// deep exhausted the Go stack, a fatal error that ended the host.
func checkDepths(L *lua.LState, first int) {
	for i := first; i <= L.GetTop(); i++ {
		if t, ok := L.Get(i).(*lua.LTable); ok && tooDeep(t) {
			L.ArgError(i, errTooDeep.Error())
		}
	}
}

// tooDeep reports whether t nests tables more than maxConvertDepth deep,
// walking each table once (cycles are gopher-luar's to handle).
func tooDeep(t *lua.LTable) bool {
	type level struct {
		t     *lua.LTable
		depth int
	}
	seen := map[*lua.LTable]bool{t: true}
	stack := []level{{t, 1}}
	for len(stack) > 0 {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if top.depth > maxConvertDepth {
			return true
		}
		top.t.ForEach(func(k, v lua.LValue) {
			for _, x := range [2]lua.LValue{k, v} {
				if sub, ok := x.(*lua.LTable); ok && !seen[sub] {
					seen[sub] = true
					stack = append(stack, level{sub, top.depth + 1})
				}
			}
		})
	}
	return false
}

// guardConversions wraps the metamethods of a gopher-luar metatable, for
// values of type t, that convert a Lua value to Go (assigning a field or
// an element, appending, setting a pointer's target) with checkDepths.
//
// A pointer to a struct loses gopher-luar's `p ^ v`, which replaced the
// whole struct: its unexported fields too, so that a script could erase
// what a host keeps there (a token, a held mutex) although only exported
// fields and methods are for scripts.
func guardConversions(L *lua.LState, mt *lua.LTable, t reflect.Type) {
	if t.Kind() == reflect.Ptr && t.Elem().Kind() == reflect.Struct {
		mt.RawSetString("__pow", lua.LNil)
	}
	for _, name := range []string{"__newindex", "__add", "__pow"} {
		if fn, ok := mt.RawGetString(name).(*lua.LFunction); ok {
			mt.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
				checkDepths(L, 2)
				return callInFrame(L, fn)
			}))
		}
	}
}

// takesContext reports whether a function type's parameter after recv
// receivers is a context.Context.
func takesContext(t reflect.Type, recv int) bool {
	return t != nil && t.Kind() == reflect.Func && t.NumIn() > recv && t.In(recv) == contextType
}

// maxTypeDepth bounds the walk from the exposed value's type, so that a
// field of a large library type does not make metatables for all of it.
const maxTypeDepth = 4

// convertTypes wraps the methods of t's gopher-luar metatable that return
// errors, then does the same for the types those methods return and t's
// fields hold, down to maxTypeDepth.
func convertTypes(L *lua.LState, t reflect.Type, seen map[reflect.Type]bool, depth int) {
	if t == nil || seen[t] || depth > maxTypeDepth {
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Array, reflect.Chan, reflect.Map, reflect.Ptr, reflect.Slice, reflect.Struct:
	case reflect.Func:
		// What an exposed function returns is exposed too.
		for i := range t.NumOut() {
			convertTypes(L, t.Out(i), seen, depth+1)
		}
		return
	default:
		return
	}
	mt := luar.MT(L, reflect.Zero(t).Interface())
	if mt != nil {
		if methods, ok := mt.RawGetString("methods").(*lua.LTable); ok && methods.RawGetString(errorsConverted) == lua.LNil {
			methods.RawSetString(errorsConverted, lua.LTrue)
			guardConversions(L, mt.LTable, t)
			var names []string
			methods.ForEach(func(k, v lua.LValue) {
				if s, ok := k.(lua.LString); ok && s != errorsConverted {
					names = append(names, string(s))
				}
			})
			for _, name := range names {
				if m, ok := methodByLuaName(t, name); ok {
					if fn, ok := methods.RawGetString(name).(*lua.LFunction); ok {
						methods.RawSetString(name, wrapGo(L, fn, m.Type, 1))
					}
				}
			}
		}
	}
	for i := range t.NumMethod() {
		m := t.Method(i).Type
		for j := range m.NumOut() {
			convertTypes(L, m.Out(j), seen, depth+1)
		}
	}
	switch t.Kind() {
	case reflect.Ptr, reflect.Slice, reflect.Array, reflect.Chan, reflect.Map:
		convertTypes(L, t.Elem(), seen, depth+1)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				convertTypes(L, t.Field(i).Type, seen, depth+1)
			}
		}
	}
}

// methodByLuaName finds the Go method gopher-luar registered under name:
// the method's name, or the same with a lower-case first letter.
func methodByLuaName(t reflect.Type, name string) (reflect.Method, bool) {
	for i := range t.NumMethod() {
		m := t.Method(i)
		if m.Name == name || lowerFirst(m.Name) == name {
			return m, true
		}
	}
	return reflect.Method{}, false
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}
