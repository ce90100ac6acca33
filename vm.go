package flyscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/stdlib"
)

// VM is one Lua state with the `fly` module and the host modules loaded.
//
// A VM runs one call at a time: Run, RunSource, Eval, Call or Expose made
// while another is running (from another goroutine, or from a Go function
// the script called) returns ErrBusy rather than corrupting the state.
// Every method may be called from any goroutine (the state LState gives
// may not be used during a call): Close during a call stops it (see Close), and App, Exited, Returned and MemoryPeak during a call
// report the last call that finished. To run scripts in parallel, give each
// goroutine its own VM, or keep a pool of them (see the package example).
// Globals and the default app chosen by fly.use persist from one call to
// the next on the same VM.
//
// A VM is a trust boundary: whatever a script leaves in it (globals, the
// metatables of basic types, package.loaded, the default app) is there
// for the next script, WithSandbox or not. Share a VM, or a pool of them,
// only between scripts of one trust domain; give each untrusted script a
// VM of its own.
type VM struct {
	state    *lua.LState
	cfg      config
	handler  *lua.LFunction
	basePath string
	// getenv is the environment of os.getenv and the env module: the
	// host's, under what os.setenv set.
	getenv func(string) (string, bool)
	fly    *bindings.Fly

	// mu guards busy, closed, stop and last, which other goroutines read.
	mu     sync.Mutex
	busy   bool
	closed bool
	stop   context.CancelCauseFunc // cancels the call in progress, for Close
	last   lastCall

	// Set during a call, by the goroutine making it.
	fail   *failure
	cancel context.CancelCauseFunc
	exit   *ExitError
	mem    *memWatch // the memory budget of the run, nil without one

	memPeak uint64 // the heap growth the last call's watchdog saw

	returned []lua.LValue // what the last Run or RunSource returned

	files  []*lua.LUserData // files scripts opened, closed with the VM (see trackFiles)
	ioType *lua.LFunction   // io.type, to tell them open
}

// lastCall is what the accessors report: the outcome of the last call that
// finished, and the default app as it was when the call in progress began.
type lastCall struct {
	exit     *ExitError
	returned []lua.LValue
	memPeak  uint64
	app      string
}

// New builds a VM. Without options it has the standard Lua libraries, the
// host modules (json, time, log, env, crypto, base64, hex, inspect) and the
// `fly` module, writes nowhere, and has no API client. It refuses an option
// it cannot apply (a negative memory budget, an unknown log level), naming
// it.
func New(opts ...Option) (*VM, error) {
	cfg := config{stdout: io.Discard, stderr: io.Discard, logLevel: "info"}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if cfg.getenv == nil {
		if cfg.sandbox {
			cfg.getenv = noEnv
		} else {
			cfg.getenv = os.LookupEnv
		}
	}
	if cfg.stdin == nil {
		cfg.stdin = strings.NewReader("")
	}
	// A nil writer is the default, never the process's stdout or stderr.
	if cfg.stdout == nil {
		cfg.stdout = io.Discard
	}
	if cfg.stderr == nil {
		cfg.stderr = io.Discard
	}
	cfg.guardWriters()
	vm := &VM{
		state: lua.NewState(lua51.Options),
		cfg:   cfg,
	}
	// io.read gives up when the call's context ends (Ctrl-C at a prompt
	// the script prints).
	vm.cfg.stdin = &callReader{r: cfg.stdin, ctx: vm.state.Context}
	vm.handler = vm.state.NewFunction(vm.handleError)
	if err := vm.open(); err != nil {
		vm.state.Close()
		return nil, err
	}
	vm.harden()
	vm.trackFiles()
	return vm, nil
}

// Close releases the VM, closing the files its scripts left open (of
// io.open, io.lines, io.input and io.output; not the processes of
// io.popen, whose closing waits for them to end). Calls after Close return
// ErrClosed; closing twice does nothing.
//
// Close may be called from any goroutine, also while a call is running:
// it then stops the script at its next Lua instruction (and any HTTP call
// in flight), that call returns a *ScriptError matching ErrClosed, and the
// VM's resources are released as it returns. Close does not wait for it:
// a Go function of the host the script is in keeps running until it
// returns by itself.
func (vm *VM) Close() {
	vm.mu.Lock()
	if vm.closed {
		vm.mu.Unlock()
		return
	}
	vm.closed = true
	busy, stop := vm.busy, vm.stop
	vm.mu.Unlock()
	if busy {
		// The call releases the state as it leaves (see leave).
		if stop != nil {
			stop(ErrClosed)
		}
		return
	}
	vm.release()
}

// release closes the files scripts left open and the state.
func (vm *VM) release() {
	vm.closeFiles()
	vm.state.Close()
}

// LState returns the underlying gopher-lua state, for hosts that need more
// than this package offers (the REPL's completion, custom modules). Use it
// only from the VM's goroutine, never while a call is running, and never
// after Close (the state is released then).
func (vm *VM) LState() *lua.LState { return vm.state }

// Expose makes a Go value a Lua global through gopher-luar: structs and
// pointers become userdata whose exported fields and methods scripts can use,
// functions become callable, maps and slices are indexed in place (the
// host must not change them while a script runs: Go maps do not survive
// that, and a channel's send or receive blocks as in Go). An error
// a method or function returns reaches Lua as its message (a string; nil
// when there was none): `local id, err = deployer:Deploy(x)`. Values
// already of a gopher-lua type (lua.LValue) are set as they are; nil, and
// a nil pointer, map, slice or function, are nil in Lua. name must be a
// Lua name (letters, digits and underscores, not a reserved word).
//
// Scripts cannot replace a struct a pointer points to as a whole
// (gopher-luar's `p ^ v` is left out for pointers to structs: it reset
// unexported fields too); assigning a table to a struct-valued field,
// element or map value does replace that struct, unexported fields
// included, so keep what scripts must not touch behind pointers or
// methods.
//
// A Go function or method whose first parameter is a context.Context
// receives the context of the call running the script, which ends at its
// deadline, at Close and when the memory budget is exceeded; scripts call
// it without that argument (`svc:Fetch(url)` for Fetch(ctx, url)). One
// that takes none and blocks keeps the script from stopping. A panic in a
// Go function is a Lua error, the panic's value at the script's line that
// called it ("job.lua:3: ..."): pcall catches it, else the run fails with
// a *ScriptError. A table a script gives a Go function (or assigns to a
// field, a map or a slice) converts as Eval's values do: one nested more
// than 10,000 levels deep is an argument error. A Lua function a script passes for a Go func parameter is a Go func that
// runs on the VM: call it only while that call runs, on its goroutine
// (kept for later or called from another goroutine, it runs outside every
// guard: no ErrBusy, context or budget, and its Lua errors panic).
func (vm *VM) Expose(name string, value any) error {
	if !stdlib.IsIdentifier(name) {
		return fmt.Errorf("flyscript: Expose(%q): not a Lua name (letters, digits and underscores, not starting with a digit, not a reserved word), so scripts could not use it", name)
	}
	if err := vm.enter(); err != nil {
		return err
	}
	defer vm.leave()
	if lv, ok := value.(lua.LValue); ok {
		vm.state.SetGlobal(name, lv)
		return nil
	}
	vm.state.SetGlobal(name, exposeValue(vm.state, value))
	return nil
}

// Exited reports whether the last Run, RunSource, Eval or Call ended because the
// script called os.exit, and with which code. It tells os.exit(0), which
// returns a nil error, from a script that ran to its end.
func (vm *VM) Exited() (code int, exited bool) {
	vm.mu.Lock()
	exit := vm.last.exit
	vm.mu.Unlock()
	if exit == nil {
		return 0, false
	}
	return exit.Code, true
}

// Run runs the Lua script in file with the given arguments, as the lua
// command does: the global `arg` holds the script name at arg[0] and the
// arguments from arg[1], the chunk receives them as `...`, a first line
// starting with "#" (a #! line) is skipped, and require also searches the
// script's folder (unless sandboxed).
//
// ctx bounds the whole run, the reading of the file included (a FIFO):
// cancelling it aborts the HTTP call in flight and stops Lua code at its
// next instruction. A file larger than the run's memory budget can compile
// is refused before it is read (see MaxSourceWithoutBudget). The error is nil on success and
// on os.exit(0), an *ExitError for os.exit with another code, a
// *ScriptError otherwise.
func (vm *VM) Run(ctx context.Context, file string, args ...string) error {
	vm.mu.Lock()
	closed := vm.closed
	vm.mu.Unlock()
	if closed {
		return ErrClosed
	}
	src, err := vm.readScriptFile(ctx, file)
	if err != nil {
		return err
	}
	dir := filepath.Dir(file)
	return vm.runChunk(ctx, file, src, args, dir)
}

// RunSource runs a script given as text under a chunk name (the name error
// messages and tracebacks use: "deploy.lua", "(command line)"), with the
// same `arg` and exit handling as Run. A first line starting with "#" is
// skipped.
func (vm *VM) RunSource(ctx context.Context, name string, src []byte, args ...string) error {
	return vm.runChunk(ctx, name, src, args, "")
}

func (vm *VM) runChunk(ctx context.Context, name string, src []byte, args []string, dir string) error {
	if err := vm.enter(); err != nil {
		return err
	}
	defer vm.leave()
	vm.exit, vm.returned = nil, nil
	if err := vm.checkSourceSize(name, uint64(len(src)), false); err != nil {
		return err
	}
	fn, err := vm.load(name, src)
	if err != nil {
		return err
	}
	L := vm.state
	argt := L.CreateTable(len(args), 1)
	argt.RawSetInt(0, lua.LString(name))
	largs := make([]lua.LValue, len(args))
	for i, a := range args {
		argt.RawSetInt(i+1, lua.LString(a))
		largs[i] = lua.LString(a)
	}
	L.SetGlobal("arg", argt)
	vm.setPackagePath(dir)
	vm.returned, err = vm.call(ctx, "script", fn, largs, lua.MultRet)
	return err
}

// Returned gives the values the last Run or RunSource returned (the
// script's `return ...`), as Lua values: nil when it returned nothing,
// failed or exited. The command's --json prints them.
func (vm *VM) Returned() []lua.LValue {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.last.returned
}

// Eval runs a chunk of Lua and returns the values it produces, converted to
// Go: nil, bool, int64 for whole numbers, float64 for others, string,
// []any for sequences, map[string]any for other tables (an empty table is
// an empty map), the Go value of gopher-luar userdata, and the lua.LValue
// itself for functions, coroutines and other userdata. Like a REPL, it
// first tries the chunk as an expression ("1 + 2" gives [3]), then as
// statements ("x = 1; return x" gives [1]). Errors are as for Run; a value
// with no Go form (a table inside itself, or nested more than 10,000
// levels deep) fails with an error naming where it is in the value:
// "flyscript: Eval: at .self: a table that contains itself ...".
func (vm *VM) Eval(ctx context.Context, src string) ([]any, error) {
	if err := vm.enter(); err != nil {
		return nil, err
	}
	defer vm.leave()
	vm.exit = nil
	// Compiling is bounded by the budget as Run's is (the chunk may be
	// compiled twice, as an expression first).
	if err := vm.checkSourceSize("eval", uint64(len(src)), false); err != nil {
		return nil, err
	}
	fn, err := lua51.Load(vm.state, []byte("return "+src), "eval")
	if err != nil {
		if fn, err = vm.load("eval", []byte(src)); err != nil {
			return nil, err
		}
	}
	vm.setPackagePath("")
	vals, err := vm.call(ctx, "chunk", fn, nil, lua.MultRet)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		if out[i], err = toGo(ctx, v); err != nil {
			if len(vals) > 1 {
				return nil, fmt.Errorf("flyscript: Eval: value %d: %w", i+1, err)
			}
			return nil, fmt.Errorf("flyscript: Eval: %w", err)
		}
	}
	return out, nil
}

// Call calls fn with args under ctx, with the same protection, error
// values, os.exit handling and cancellation as Run, and returns every value
// fn returns as Lua values. It is for hosts that compile chunks themselves
// on the VM's state (see LState), such as the REPL. fn must be this VM's
// (compiled on its state, or a value its scripts made): a function of
// another VM would run on that VM's globals, outside its guards.
func (vm *VM) Call(ctx context.Context, fn *lua.LFunction, args ...lua.LValue) ([]lua.LValue, error) {
	if fn == nil {
		return nil, errors.New("flyscript: Call: the function is nil")
	}
	if err := vm.enter(); err != nil {
		return nil, err
	}
	defer vm.leave()
	vm.exit = nil
	return vm.call(ctx, "chunk", fn, args, lua.MultRet)
}

// enter marks the VM busy; leave marks it free, records what the
// accessors report, and releases the state when Close came meanwhile.
func (vm *VM) enter() error {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.closed {
		return ErrClosed
	}
	if vm.busy {
		return ErrBusy
	}
	vm.busy = true
	vm.last.app = vm.liveApp()
	return nil
}

func (vm *VM) leave() {
	vm.mu.Lock()
	vm.busy = false
	vm.last = lastCall{exit: vm.exit, returned: vm.returned, memPeak: vm.memPeak, app: vm.liveApp()}
	closed := vm.closed
	vm.mu.Unlock()
	if closed {
		vm.release()
	}
}

// load compiles a chunk (see lua51.Load), skipping a first "#" line
// (keeping line numbers).
func (vm *VM) load(name string, src []byte) (*lua.LFunction, error) {
	fn, err := lua51.Load(vm.state, lua51.SkipHashLine(src), name)
	if err != nil {
		msg := lua51.SyntaxMessage(err)
		if msg == lua51.ErrBytecode {
			msg = name + ": " + msg
		}
		se := &ScriptError{Message: msg, Syntax: true, Err: err}
		se.locate()
		return nil, se
	}
	return fn, nil
}

// call runs fn(args...) in protected mode under ctx and returns its results
// (all of them when nret is lua.MultRet). what names the run in warnings:
// "script" (Run, RunSource) or "chunk" (Eval, Call: a REPL line).
func (vm *VM) call(ctx context.Context, what string, fn *lua.LFunction, args []lua.LValue, nret int) ([]lua.LValue, error) {
	L := vm.state
	if ctx == nil {
		ctx = context.Background()
	}
	cctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	vm.cancel, vm.fail, vm.exit = cancel, nil, nil
	defer func() { vm.cancel = nil }()
	vm.mu.Lock()
	vm.stop = cancel
	if vm.closed { // Close came while the chunk compiled
		cancel(ErrClosed)
	}
	vm.mu.Unlock()
	defer func() {
		vm.mu.Lock()
		vm.stop = nil
		vm.mu.Unlock()
	}()

	// The context stays on the state until the error value has been
	// rendered: a __tostring of the script runs under it, never after it.
	L.SetContext(cctx)
	defer L.RemoveContext()
	stopWatch := vm.watchMemory(cancel)
	vals, err := lua51.Call(L, fn, nret, vm.handler, args...)
	vm.memPeak = stopWatch()
	if vm.fly != nil {
		// Tasks nothing waited for stop with the run; a run that succeeded
		// warns about them.
		vm.fly.EndRun(what, err == nil && vm.exit == nil)
	}

	if vm.exit != nil {
		if vm.exit.Code == 0 {
			return nil, nil
		}
		return nil, vm.exit
	}
	if err != nil {
		var api *lua.ApiError
		if vm.fail == nil && errors.As(err, &api) && api.Type == lua.ApiErrorPanic && api.StackTrace != "" {
			// The stack was exhausted before the handler could run.
			vm.fail = &failure{traceback: api.StackTrace}
		}
		serr := vm.scriptError(ctx, err)
		var me *memoryError
		if se, ok := serr.(*ScriptError); ok {
			// The watchdog or Close ended the run: say so rather than
			// "context canceled".
			switch cause := context.Cause(cctx); {
			case errors.As(cause, &me):
				se.Err, se.Message, se.Value = me, me.Error(), me.Error()
			case errors.Is(cause, ErrClosed):
				msg := "script stopped: the VM was closed while it ran"
				se.Err, se.Message, se.Value = ErrClosed, msg, msg
			default:
				return nil, serr
			}
			if se.Where != "" {
				se.Message = se.Where + ": " + se.Message
			}
			se.File, se.Line = "", 0
			se.locate()
		}
		return nil, serr
	}
	return vals, nil
}

// MemoryPeak is how much the heap grew, at most, during the last Run,
// RunSource, Eval or Call, as the memory watchdog saw it (read every few
// milliseconds); 0 without a memory budget (WithMemoryLimit).
func (vm *VM) MemoryPeak() uint64 {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.last.memPeak
}

// scriptError turns what PCall returned into a *ScriptError.
func (vm *VM) scriptError(ctx context.Context, err error) error {
	se := &ScriptError{}
	var value lua.LValue = lua.LString(err.Error())
	var api *lua.ApiError
	if errors.As(err, &api) && api.Object != nil {
		value = api.Object
	}
	if vm.fail != nil {
		se.Where, se.Traceback = vm.fail.where, vm.fail.traceback
		vm.fail = nil
	}
	if vm.fly != nil {
		if where, tb := vm.fly.TaskFailure(value); tb != "" {
			// The error of a fly.spawn or fly.parallel task: where the task
			// failed first, then where the error surfaced.
			se.Traceback = strings.Replace(tb, "stack traceback:", "task stack traceback:", 1) + "\n" + se.Traceback
			if where != "" {
				se.Where = where
			}
		}
	}
	se.Message = tostring(vm.state, value)
	if _, isString := value.(lua.LString); !isString && se.Where != "" && !hasLocation(se.Message, se.Where) {
		se.Message = se.Where + ": " + se.Message
	}
	if t, ok := value.(*lua.LTable); ok {
		if h, ok := vm.state.RawGet(t, lua.LString("hint")).(lua.LString); ok {
			se.Hint = string(h)
		}
	}
	se.Value, _ = toGo(ctx, value)
	if ctx.Err() != nil {
		se.Err = context.Cause(ctx)
	} else if isFlyError(vm.state, value) {
		se.Err = bindings.AsError(value)
	}
	se.locate()
	return se
}

// isFlyError reports whether v is an error value of the `fly` module.
func isFlyError(L *lua.LState, v lua.LValue) bool {
	name, ok := L.GetMetaField(v, "__name").(lua.LString)
	return ok && name == "fly.error"
}

// setPackagePath points require at the script's folder, the folders of
// WithPackagePath and the default path. The sandbox has no file loader, so
// its path does not matter.
func (vm *VM) setPackagePath(dir string) {
	pkg, ok := vm.state.GetGlobal("package").(*lua.LTable)
	if !ok || vm.cfg.sandbox {
		return
	}
	var parts []string
	dirs := vm.cfg.path
	if dir != "" {
		dirs = append([]string{dir}, dirs...)
	}
	for _, d := range dirs {
		parts = append(parts, filepath.Join(d, "?.lua"), filepath.Join(d, "?", "init.lua"))
	}
	if vm.basePath != "" {
		parts = append(parts, vm.basePath)
	}
	vm.state.SetField(pkg, "path", lua.LString(strings.Join(parts, ";")))
}
