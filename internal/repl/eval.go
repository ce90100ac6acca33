// Package repl is flyscript's interactive shell: the evaluation of lines
// typed at a prompt (auto-print, multi-line chunks, `_`), tab completion over
// Lua tables, help from the API registry, history, and the terminal front end
// on github.com/peterh/liner.
//
// The evaluation logic is independent of any terminal: Evaluator takes lines
// and writes to io.Writers, so it is tested with plain strings. Run adds the
// terminal: prompts, completion, history, Ctrl-C and Ctrl-D.
package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/stdlib"
)

// ChunkName is the name chunks typed at the prompt are compiled under; it
// starts error messages such as `stdin:1: attempt to call a nil value`.
const ChunkName = "stdin"

// Status tells the caller what the Evaluator needs next.
type Status int

const (
	// Done means the chunk ran (or failed) and a fresh one starts.
	Done Status = iota
	// More means the chunk is incomplete; the caller shows the `>> `
	// prompt and feeds the next line.
	More
	// Exit means the chunk called os.exit: the session ends.
	Exit
)

// interrupted is the text printed when Ctrl-C cancels a chunk.
func (e *Evaluator) interrupted() string {
	if e.Interrupted != "" {
		return e.Interrupted
	}
	return "interrupted"
}

// Evaluator runs chunks typed line by line in one Lua state.
type Evaluator struct {
	// L is the state chunks run in. It must not be used by another
	// goroutine while Line runs.
	L *lua.LState
	// Out receives printed values, Err receives errors and "interrupted".
	Out, Err io.Writer
	// Inspect renders one value for auto-print. The default is a plain
	// tostring.
	Inspect func(lua.LValue) string
	// FormatError renders an error raised by a chunk. The default is
	// FormatError with the Evaluator's state.
	FormatError func(error) string
	// Exec runs a compiled chunk under ctx and returns its values. The
	// default is a protected call on L; a host passes its own (the
	// flyscript VM's Call) to share its error handling and os.exit.
	Exec func(ctx context.Context, fn *lua.LFunction) ([]lua.LValue, error)
	// Exited reports whether the last chunk called os.exit. The default
	// recognises the stdlib's os.exit error.
	Exited func() (code int, exited bool)
	// Interrupted is printed on Err when Ctrl-C cancels a chunk; the
	// default is "interrupted".
	Interrupted string

	pending    []string
	last       string
	inspecting bool // the chunk is inspect(...): its text prints unquoted
	exitCode   int
	exited     bool
}

// Pending reports whether an incomplete chunk is waiting for more lines.
func (e *Evaluator) Pending() bool { return len(e.pending) > 0 }

// Reset drops an incomplete chunk, as Ctrl-C at the `>> ` prompt does.
func (e *Evaluator) Reset() { e.pending = nil }

// LastChunk is the whole text of the chunk that Line last completed, one
// history entry even when it spanned several lines.
func (e *Evaluator) LastChunk() string { return e.last }

// Line feeds one line. When it completes a chunk the chunk runs under ctx:
// values of an expression are printed through Inspect and the first is kept
// in the global `_`; statements run silently; errors are printed through
// FormatError. Cancelling ctx aborts the chunk, HTTP calls included, and
// prints "interrupted".
func (e *Evaluator) Line(ctx context.Context, line string) Status {
	if len(e.pending) == 0 {
		// lua.c's shorthand: "=expr" prints expr (an expression is
		// printed here anyway).
		if rest, ok := strings.CutPrefix(strings.TrimLeft(line, " \t"), "="); ok {
			line = rest
		}
	}
	e.pending = append(e.pending, line)
	src := strings.Join(e.pending, "\n")

	// As an expression first. `select(1, ...)` passes every value on, and
	// keeps a call typed at the prompt from being a tail call, so that an
	// error it raises is located at stdin:1 rather than inside a library.
	fn, err := lua51.Load(e.L, []byte("return select(1, "+src+"\n)"), ChunkName)
	var exprErr error
	if err != nil {
		_, exprErr = lua51.Load(e.L, []byte("return "+src), ChunkName)
		fn, err = lua51.Load(e.L, []byte(src), ChunkName)
	}
	if err != nil {
		// Incomplete as an expression (`{`) or as a statement (`for ...
		// do`): wait for more.
		if Incomplete(err) || Incomplete(exprErr) {
			return More
		}
		e.pending = nil
		e.last = src
		fmt.Fprintln(e.Err, withChunkLine(syntaxMessage(err), src))
		return Done
	}
	e.pending = nil
	e.last = src
	e.inspecting = inspectCall(src)
	return e.run(ctx, fn)
}

// inspectCall reports whether a chunk is one call of inspect, whose
// result (the text of a value) the prompt prints as it is, not quoted.
func inspectCall(src string) bool {
	s := strings.TrimSpace(src)
	if !strings.HasPrefix(s, "inspect") || !strings.HasSuffix(s, ")") {
		return false
	}
	rest := strings.TrimSpace(strings.TrimPrefix(s, "inspect"))
	return strings.HasPrefix(rest, "(")
}

func (e *Evaluator) run(ctx context.Context, fn *lua.LFunction) Status {
	e.exitCode, e.exited = 0, false
	exec := e.Exec
	if exec == nil {
		exec = e.pcall
	}
	values, err := exec(ctx, fn)
	exited := e.Exited
	if exited == nil {
		exited = func() (int, bool) { return e.exitCode, e.exited }
	}
	if _, ok := exited(); ok {
		return Exit
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(e.Err, e.interrupted())
			return Done
		}
		fmt.Fprintln(e.Err, withChunkLine(e.formatUnder(ctx, exec, err), e.last))
		return Done
	}
	if len(values) == 0 {
		return Done
	}
	e.L.SetGlobal("_", values[0])
	if s, ok := values[0].(lua.LString); ok && e.inspecting && len(values) == 1 {
		fmt.Fprintln(e.Out, string(s))
		return Done
	}
	// Printing may call the values' __tostring: it runs as a chunk does,
	// under ctx, so that Ctrl-C stops a __tostring that never returns.
	var text string
	render := e.L.NewFunction(func(*lua.LState) int { text = e.render(values); return 0 })
	if _, err := exec(ctx, render); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintln(e.Err, e.interrupted())
			return Done
		}
		fmt.Fprintln(e.Err, e.formatError(err))
		return Done
	}
	fmt.Fprintln(e.Out, text)
	return Done
}

// pcall is the default Exec: a protected call on L under ctx.
func (e *Evaluator) pcall(ctx context.Context, fn *lua.LFunction) ([]lua.LValue, error) {
	L := e.L
	base := L.GetTop()
	L.Push(fn)
	L.SetContext(ctx)
	err := lua51.PCall(L, 0, lua.MultRet, nil)
	L.RemoveContext()
	if err != nil {
		L.SetTop(base)
		if x, ok := stdlib.AsExit(err); ok {
			e.exitCode, e.exited = x.Code, true
		}
		return nil, err
	}
	values := make([]lua.LValue, L.GetTop()-base)
	for i := range values {
		values[i] = L.Get(base + 1 + i)
	}
	L.SetTop(base)
	return values, nil
}

// ExitCode is the code the last chunk gave os.exit, when Line returned
// Exit.
func (e *Evaluator) ExitCode() int {
	if e.Exited != nil {
		code, _ := e.Exited()
		return code
	}
	return e.exitCode
}

// render prints values as lua.c does: tab-separated on one line when every
// value fits on one, else one value after another.
func (e *Evaluator) render(values []lua.LValue) string {
	parts := make([]string, len(values))
	multi := false
	for i, v := range values {
		parts[i] = e.renderOne(v)
		multi = multi || strings.Contains(parts[i], "\n")
	}
	if multi {
		return strings.Join(parts, "\n")
	}
	return strings.Join(parts, "\t")
}

// renderOne prints a record (a table whose metatable has __tostring) as its
// one-line summary followed by its fields, and anything else through Inspect.
func (e *Evaluator) renderOne(v lua.LValue) string {
	inspect := e.Inspect
	if inspect == nil {
		inspect = func(v lua.LValue) string { return e.L.ToStringMeta(v).String() }
	}
	t, ok := v.(*lua.LTable)
	if !ok {
		return inspect(v)
	}
	if kind := recordName(e.L, t); kind != "" {
		return showRecord(e.L, t, kind, func(v lua.LValue) string {
			return stdlib.Inspect(v, stdlib.InspectOptions{Depth: 1, L: e.L, Context: e.L.Context()})
		})
	}
	if kind, ok := recordList(e.L, t); ok {
		return showList(e.L, t, kind)
	}
	if hasToString(e.L, t) {
		summary := e.L.ToStringMeta(t).String()
		plain := shallowCopy(t)
		return summary + "\n" + inspect(plain)
	}
	if keys, ok := moduleKeys(t, 0); ok {
		return showModule(e.L, t, keys)
	}
	return inspect(v)
}

// formatUnder renders an error as a chunk runs, under ctx: the default
// FormatError calls the error value's __tostring, which must stop when
// ctx does.
func (e *Evaluator) formatUnder(ctx context.Context, exec func(context.Context, *lua.LFunction) ([]lua.LValue, error), err error) string {
	var text string
	format := e.L.NewFunction(func(*lua.LState) int { text = e.formatError(err); return 0 })
	if _, ferr := exec(ctx, format); ferr != nil {
		return "(the error could not be printed: " + ferr.Error() + ")"
	}
	return text
}

func (e *Evaluator) formatError(err error) string {
	if e.FormatError != nil {
		return e.FormatError(err)
	}
	return FormatError(e.L, err)
}

// Incomplete reports whether a compile error only says the chunk ended too
// early, so that another line may complete it: a block, call, table or long
// string still open at the end of input, which the message says with
// "near '<eof>'", as lua.c tells. An unfinished quoted string is an error.
func Incomplete(err error) bool {
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) || apiErr.Type != lua.ApiErrorSyntax {
		return false
	}
	msg := lua51.SyntaxMessage(err)
	return strings.HasSuffix(msg, "near '<eof>'") && !strings.Contains(msg, "unfinished string")
}

// withChunkLine shows, below the first line of an error report that
// starts with "stdin:N:", line N of the chunk typed ("  3 |   print(x + 1)")
// when the chunk has several lines; a one-line chunk is the line just typed.
func withChunkLine(report, chunk string) string {
	rest, ok := strings.CutPrefix(report, ChunkName+":")
	if !ok || !strings.Contains(chunk, "\n") {
		return report
	}
	num, _, ok := strings.Cut(rest, ":")
	n, err := strconv.Atoi(num)
	lines := strings.Split(chunk, "\n")
	if !ok || err != nil || n < 1 || n > len(lines) {
		return report
	}
	first, more, _ := strings.Cut(report, "\n")
	out := fmt.Sprintf("%s\n  %d | %s", first, n, lines[n-1])
	if more != "" {
		out += "\n" + more
	}
	return out
}

// syntaxMessage is a syntax error's one line: "stdin:1: '<eof>' expected
// near '2'", the line counted from the first line of the chunk typed.
func syntaxMessage(err error) string {
	return strings.TrimPrefix(lua51.SyntaxMessage(err), "<"+ChunkName+"> ")
}

func hasToString(L *lua.LState, t *lua.LTable) bool {
	mt, ok := L.GetMetatable(t).(*lua.LTable)
	if !ok {
		return false
	}
	return mt.RawGetString("__tostring") != lua.LNil
}

func shallowCopy(t *lua.LTable) *lua.LTable {
	out := &lua.LTable{}
	if err := lazy.Force(t); err != nil { // a record whose members were kept aside
		out.RawSetString("error", lua.LString(err.Error()))
		return out
	}
	t.ForEach(func(k, v lua.LValue) { out.RawSet(k, v) })
	return out
}

// FormatError renders an error raised by Lua code for a person: the error
// value through its __tostring, its hint when it carries one, and the first
// lines of the traceback.
func FormatError(L *lua.LState, err error) string {
	var apiErr *lua.ApiError
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	var b strings.Builder
	obj := apiErr.Object
	switch v := obj.(type) {
	case *lua.LTable:
		b.WriteString(L.ToStringMeta(v).String())
		if hint := v.RawGetString("hint"); hint != lua.LNil && hint.String() != "" {
			b.WriteString("\n  hint: " + hint.String())
		}
	case lua.LString:
		b.WriteString(string(v))
	case nil:
		b.WriteString(err.Error())
	default:
		b.WriteString(L.ToStringMeta(v).String())
	}
	if tb := shortTraceback(apiErr.StackTrace, 6); tb != "" {
		b.WriteString("\n" + tb)
	}
	return b.String()
}

// shortTraceback keeps the first n frames of a gopher-lua traceback and
// drops the frames of Go functions, which name no file.
func shortTraceback(tb string, n int) string {
	lines := strings.Split(strings.TrimSpace(tb), "\n")
	var kept []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || t == "stack traceback:" || strings.HasPrefix(t, "[G]:") {
			continue
		}
		kept = append(kept, "  "+t)
		if len(kept) == n {
			break
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return "stack traceback:\n" + strings.Join(kept, "\n")
}
