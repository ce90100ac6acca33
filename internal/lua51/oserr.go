package lua51

import (
	"os"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
)

// The failures of io.open, io.lines, os.remove and os.rename as C Lua 5.1
// reports them: "PATH: No such file or directory" and the errno (2), where
// gopher-lua gives Go's "open PATH: no such file or directory" and 1.

// cError is C's message for a Go error text about path ("open PATH: no
// such file or directory", or rename's "rename OLD NEW: ..."): "PATH: No
// such file or directory", with the errno. ok is false when the reason is
// not one of the system's error texts.
func cError(msg, path string) (text string, errno int, ok bool) {
	i := strings.LastIndex(msg, ": ")
	if i < 0 {
		return "", 0, false
	}
	reason := msg[i+2:]
	for e := syscall.Errno(1); e < 134; e++ {
		if reason != "" && e.Error() == reason {
			return path + ": " + capitalize(reason), int(e), true
		}
	}
	return "", 0, false
}

// cFailure wraps fn (io.open, os.remove, os.rename), called in its own
// frame: its nil, message, code result is C Lua's.
func cFailure(fn *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		top := L.GetTop()
		n := fn.GFunction(L)
		if n >= 2 {
			base := L.GetTop() - n
			if L.Get(base+1) == lua.LNil {
				if msg, ok := L.Get(base + 2).(lua.LString); ok {
					if text, errno, ok := cError(string(msg), L.CheckString(1)); ok {
						L.SetTop(top)
						L.Push(lua.LNil)
						L.Push(lua.LString(text))
						L.Push(lua.LNumber(errno))
						return 3
					}
				}
			}
		}
		return n
	}
}

// openFileErrors puts C Lua's failures around io.open, io.lines, os.remove
// and os.rename, and its mode check around io.open (an unknown mode is
// fopen's "Invalid argument", not an argument error).
func (o *opener) openFileErrors() {
	L := o.L
	if ost, ok := L.GetGlobal("os").(*lua.LTable); ok {
		for _, name := range []string{"remove", "rename"} {
			if fn, ok := ost.RawGetString(name).(*lua.LFunction); ok && fn.IsG {
				ost.RawSetString(name, L.NewFunction(cFailure(fn)))
			}
		}
	}
	iot, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	if fn, ok := iot.RawGetString("open").(*lua.LFunction); ok && fn.IsG {
		open := cFailure(fn)
		iot.RawSetString("open", L.NewFunction(func(L *lua.LState) int {
			path := L.CheckString(1)
			if mode := L.OptString(2, "r"); mode == "" || !strings.ContainsRune("rwa", rune(mode[0])) {
				L.Push(lua.LNil)
				L.Push(lua.LString(path + ": Invalid argument"))
				L.Push(lua.LNumber(syscall.EINVAL))
				return 3
			}
			return open(L)
		}))
	}
	if fn, ok := iot.RawGetString("lines").(*lua.LFunction); ok && fn.IsG {
		iot.RawSetString("lines", L.NewFunction(func(L *lua.LState) int {
			if path, ok := L.Get(1).(lua.LString); ok {
				f, err := os.Open(string(path))
				if err != nil {
					text, _, ok := cError(err.Error(), string(path))
					if !ok {
						text = err.Error()
					}
					L.ArgError(1, text)
				}
				_ = f.Close()
			}
			return fn.GFunction(L)
		}))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
