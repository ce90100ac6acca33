package lua51

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// stream is a Lua file-like object over the VM's stdin, stdout or stderr,
// so that io.write, io.read, io.stdout:write and friends use the writers
// and reader the host gave (WithStdout, WithStderr, WithStdin) rather than
// the process's own descriptors.
type stream struct {
	name string
	w    io.Writer
	r    *bufio.Reader
}

// fileToString is tostring of a file of io.open or io.popen, as C Lua
// writes it: "file (0x...)", or "file (closed)" (gopher-lua's says
// "file", "process" and "process (closed)").
func fileToString(orig *lua.LFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		n := orig.GFunction(L)
		if s, ok := L.Get(-1).(lua.LString); ok && n == 1 {
			if strings.HasSuffix(string(s), "(closed)") {
				L.Replace(-1, lua.LString("file (closed)"))
			} else {
				L.Replace(-1, lua.LString(fmt.Sprintf("file (%p)", L.Get(1))))
			}
		}
		return n
	}
}

// redirectIO points the io library's standard streams at the VM's writers
// and reader. Files opened with io.open are untouched; io.output(file) and
// io.input(file) switch io.write and io.read back to gopher-lua's own.
func (o *opener) redirectIO() {
	L := o.L
	iot, ok := L.GetGlobal("io").(*lua.LTable)
	if !ok {
		return
	}
	mt := L.NewTable()
	methods := L.NewTable()
	L.SetFuncs(methods, map[string]lua.LGFunction{
		"write":   streamWrite,
		"read":    streamRead,
		"lines":   streamLines,
		"flush":   streamSelf,
		"setvbuf": streamSelf,
		"close":   streamClose,
		"seek": func(L *lua.LState) int {
			L.Push(lua.LNil)
			L.Push(lua.LString("cannot seek on a standard stream"))
			return 2
		},
	})
	L.SetField(mt, "__index", methods)
	L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
		s := checkStream(L, 1)
		L.Push(lua.LString("file (" + s.name + ")"))
		return 1
	}))
	if fileMT, ok := L.GetTypeMetatable("FILE*").(*lua.LTable); ok {
		if orig, ok := fileMT.RawGetString("__tostring").(*lua.LFunction); ok && orig.IsG {
			fileMT.RawSetString("__tostring", L.NewFunction(fileToString(orig)))
		}
	}
	newStream := func(s *stream) *lua.LUserData {
		ud := L.NewUserData()
		ud.Value = s
		L.SetMetatable(ud, mt)
		return ud
	}
	stdin := newStream(&stream{name: "stdin", r: bufio.NewReader(o.cfg.Stdin)})
	stdout := newStream(&stream{name: "stdout", w: o.cfg.Stdout})
	stderr := newStream(&stream{name: "stderr", w: o.cfg.Stderr})
	L.SetField(iot, "stdin", stdin)
	L.SetField(iot, "stdout", stdout)
	L.SetField(iot, "stderr", stderr)

	// io.output(file) and io.input(file) hand the default streams back to
	// gopher-lua's implementation.
	origWrite, _ := L.GetField(iot, "write").(*lua.LFunction)
	origRead, _ := L.GetField(iot, "read").(*lua.LFunction)
	origLines, _ := L.GetField(iot, "lines").(*lua.LFunction)
	origOutput, _ := L.GetField(iot, "output").(*lua.LFunction)
	origInput, _ := L.GetField(iot, "input").(*lua.LFunction)
	var outFile, inFile bool
	L.SetField(iot, "output", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() == 0 || L.Get(1) == lua.LNil {
			if outFile {
				return forward(L, origOutput)
			}
			L.Push(stdout)
			return 1
		}
		if ud, ok := L.Get(1).(*lua.LUserData); ok {
			if _, mine := ud.Value.(*stream); mine {
				outFile = false
				L.Push(ud)
				return 1
			}
		}
		outFile = true
		return forward(L, origOutput)
	}))
	L.SetField(iot, "input", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() == 0 || L.Get(1) == lua.LNil {
			if inFile {
				return forward(L, origInput)
			}
			L.Push(stdin)
			return 1
		}
		if ud, ok := L.Get(1).(*lua.LUserData); ok {
			if _, mine := ud.Value.(*stream); mine {
				inFile = false
				L.Push(ud)
				return 1
			}
		}
		inFile = true
		return forward(L, origInput)
	}))
	L.SetField(iot, "write", L.NewFunction(func(L *lua.LState) int {
		if outFile {
			numbersAsLua(L, 1)
			return forward(L, origWrite)
		}
		L.Insert(stdout, 1)
		return streamWrite(L)
	}))
	L.SetField(iot, "read", L.NewFunction(func(L *lua.LState) int {
		if inFile {
			return forward(L, origRead)
		}
		L.Insert(stdin, 1)
		return streamRead(L)
	}))
	// Files of io.open write numbers as Lua does too.
	if mt, ok := L.GetTypeMetatable("FILE*").(*lua.LTable); ok {
		if methods, ok := mt.RawGetString("__index").(*lua.LTable); ok {
			if write, ok := methods.RawGetString("write").(*lua.LFunction); ok {
				methods.RawSetString("write", L.NewFunction(func(L *lua.LState) int {
					numbersAsLua(L, 2)
					return forward(L, write)
				}))
			}
		}
	}
	origType, _ := L.GetField(iot, "type").(*lua.LFunction)
	L.SetField(iot, "type", L.NewFunction(func(L *lua.LState) int {
		if ud, ok := L.Get(1).(*lua.LUserData); ok {
			if _, mine := ud.Value.(*stream); mine {
				L.Push(lua.LString("file"))
				return 1
			}
		}
		return forward(L, origType)
	}))
	L.SetField(iot, "lines", L.NewFunction(func(L *lua.LState) int {
		if L.GetTop() > 0 || inFile {
			return forward(L, origLines)
		}
		L.Push(stdin)
		return streamLines(L)
	}))
}

func checkStream(L *lua.LState, n int) *stream {
	ud := L.CheckUserData(n)
	s, ok := ud.Value.(*stream)
	if !ok {
		L.ArgError(n, "file expected")
	}
	return s
}

// streamWrite is file:write(...): strings and numbers, as in Lua.
func streamWrite(L *lua.LState) int {
	s := checkStream(L, 1)
	if s.w == nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(s.name + " is not writable"))
		return 2
	}
	var b strings.Builder
	for i := 2; i <= L.GetTop(); i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			b.WriteString(string(v))
		case lua.LNumber:
			b.WriteString(FormatNumber(float64(v)))
		default:
			L.ArgError(i-1, "string expected, got "+v.Type().String())
		}
	}
	if _, err := io.WriteString(s.w, b.String()); err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(L.Get(1)) // the file, as in Lua 5.2 (5.1's is true): chained writes work
	return 1
}

// streamRead is file:read(...) with Lua 5.1's formats: "*l", "*L", "*a",
// "*n" and a byte count.
func streamRead(L *lua.LState) int {
	s := checkStream(L, 1)
	if s.r == nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(s.name + " is not readable"))
		return 2
	}
	if L.GetTop() < 2 {
		L.Push(lua.LString("*l"))
	}
	n := 0
	top := L.GetTop()
	for i := 2; i <= top; i++ {
		v, ok := readFormat(L, s.r, L.Get(i), i-1)
		L.Push(v)
		n++
		if !ok {
			break
		}
	}
	return n
}

// readFormat reads one value; ok is false at the end of the input.
func readFormat(L *lua.LState, r *bufio.Reader, format lua.LValue, arg int) (lua.LValue, bool) {
	if n, isNum := format.(lua.LNumber); isNum {
		if n <= 0 { // read(0): "" unless at the end of the input
			if _, err := r.Peek(1); err != nil {
				return lua.LNil, false
			}
			return lua.LString(""), true
		}
		buf := make([]byte, int(n))
		got, err := io.ReadFull(r, buf)
		if got == 0 && (err != nil || n > 0) {
			return lua.LNil, false
		}
		return lua.LString(buf[:got]), true
	}
	f, _ := format.(lua.LString)
	switch strings.TrimPrefix(string(f), "*") {
	case "l", "L":
		line, err := r.ReadString('\n')
		if err != nil && line == "" {
			return lua.LNil, false
		}
		if strings.TrimPrefix(string(f), "*") == "l" {
			line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		}
		return lua.LString(line), true
	case "a":
		all, _ := readAll(L, r, "read", 2, 0) // a buffer that doubles holds up to twice what it read
		return lua.LString(all), true
	case "n":
		x, ok := readNumber(r)
		if !ok {
			return lua.LNil, false
		}
		return lua.LNumber(x), true
	}
	L.ArgError(arg, "invalid format")
	return lua.LNil, false
}

// streamLines is file:lines(): an iterator over the lines left.
func streamLines(L *lua.LState) int {
	s := checkStream(L, 1)
	L.Push(L.NewFunction(func(L *lua.LState) int {
		if s.r == nil {
			L.Push(lua.LNil)
			return 1
		}
		v, _ := readFormat(L, s.r, lua.LString("*l"), 1)
		L.Push(v)
		return 1
	}))
	return 1
}

// streamSelf is flush and setvbuf: nothing to do, the file is returned.
func streamSelf(L *lua.LState) int {
	checkStream(L, 1)
	L.Push(L.Get(1))
	return 1
}

// streamClose refuses, as Lua does for the standard files.
func streamClose(L *lua.LState) int {
	checkStream(L, 1)
	L.Push(lua.LNil)
	L.Push(lua.LString("cannot close standard file"))
	return 2
}

// forward calls fn with the current arguments and returns all its results.
func forward(L *lua.LState, fn *lua.LFunction) int {
	n := L.GetTop()
	L.Push(fn)
	for i := 1; i <= n; i++ {
		L.Push(L.Get(i))
	}
	L.Call(n, lua.MultRet)
	return L.GetTop() - n
}

// numbersAsLua replaces the numbers among the arguments from the from-th
// on by their text as Lua 5.1 writes them ("%.14g").
func numbersAsLua(L *lua.LState, from int) {
	for i := from; i <= L.GetTop(); i++ {
		if n, ok := L.Get(i).(lua.LNumber); ok {
			L.Replace(i, lua.LString(FormatNumber(float64(n))))
		}
	}
}

// readNumber is read("*n"): the longest number at the head of r after
// white space, as C's fscanf("%lf") reads it (hexadecimal too).
func readNumber(r *bufio.Reader) (float64, bool) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return 0, false
		}
		if !isSpace(c) {
			_ = r.UnreadByte()
			break
		}
	}
	var b []byte
	accept := func(set string) bool {
		c, err := r.ReadByte()
		if err != nil {
			return false
		}
		if strings.IndexByte(set, c) < 0 {
			_ = r.UnreadByte()
			return false
		}
		b = append(b, c)
		return true
	}
	const decimal = "0123456789"
	digits, exp := decimal, "eE"
	accept("+-")
	if accept("0") && accept("xX") {
		digits, exp = decimal+"abcdefABCDEF", "pP"
	}
	for accept(digits) {
	}
	if accept(".") {
		for accept(digits) {
		}
	}
	if accept(exp) {
		accept("+-")
		for accept(decimal) {
		}
	}
	return ParseNumber(string(b))
}
