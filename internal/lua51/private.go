package lua51

import (
	"fmt"
	"reflect"
	"unsafe"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua keeps the state protected calls need private: the list of
// open upvalues (LState.uvcache, linked through Upvalue.next, sorted by
// stack slot) and whether an error handler is set (LState.hasErrorFunc,
// which decides whether an error closes the upvalues of every frame). This
// file reaches them through field offsets found with reflect, checked once
// at start-up against the names and types of gopher-lua v1.1.2 (go.mod pins
// that version). If the layout differs, Check reports which field is
// missing and every protected call panics with that message rather than
// reading memory it does not understand.

// layout is the offsets of the private fields used here.
type layout struct {
	uvcache      uintptr // LState.uvcache *Upvalue
	hasErrorFunc uintptr // LState.hasErrorFunc bool
	next         uintptr // Upvalue.next *Upvalue
	err          error
}

var private = findLayout()

func findLayout() layout {
	var l layout
	st := reflect.TypeFor[lua.LState]()
	uv := reflect.TypeFor[lua.Upvalue]()
	upvaluePtr := reflect.TypeFor[*lua.Upvalue]()
	field := func(t reflect.Type, name string, want reflect.Type) uintptr {
		f, ok := t.FieldByName(name)
		if l.err != nil {
			return 0
		}
		if !ok || f.Type != want {
			l.err = fmt.Errorf("lua51: gopher-lua's %s.%s is not a %s: this build of flyscript needs github.com/yuin/gopher-lua v1.1.2", t.Name(), name, want)
			return 0
		}
		return f.Offset
	}
	l.uvcache = field(st, "uvcache", upvaluePtr)
	l.hasErrorFunc = field(st, "hasErrorFunc", reflect.TypeFor[bool]())
	l.next = field(uv, "next", upvaluePtr)
	return l
}

// Check reports whether gopher-lua's private fields are where this package
// expects them. New states are refused when they are not.
func Check() error { return private.err }

func mustLayout() {
	if private.err != nil {
		panic(private.err)
	}
}

func uvcache(L *lua.LState) **lua.Upvalue {
	return (**lua.Upvalue)(unsafe.Add(unsafe.Pointer(L), private.uvcache))
}

func hasErrorFunc(L *lua.LState) *bool {
	return (*bool)(unsafe.Add(unsafe.Pointer(L), private.hasErrorFunc))
}

func nextUpvalue(uv *lua.Upvalue) **lua.Upvalue {
	return (**lua.Upvalue)(unsafe.Add(unsafe.Pointer(uv), private.next))
}

// lastOpen is the open upvalue with the highest stack slot, nil when none is
// open.
func lastOpen(L *lua.LState) *lua.Upvalue {
	uv := *uvcache(L)
	if uv == nil {
		return nil
	}
	for {
		next := *nextUpvalue(uv)
		if next == nil {
			return uv
		}
		uv = next
	}
}

// closeAfter closes the upvalues opened after mark (the upvalues of the
// stack slots above mark's, all of them when mark is nil) and drops them
// from the open list, as luaF_close does in C Lua.
func closeAfter(L *lua.LState, mark *lua.Upvalue) {
	var uv *lua.Upvalue
	if mark == nil {
		head := uvcache(L)
		uv, *head = *head, nil
	} else {
		link := nextUpvalue(mark)
		uv, *link = *link, nil
	}
	for uv != nil {
		next := nextUpvalue(uv)
		uv.Close()
		uv, *next = *next, nil
	}
}
