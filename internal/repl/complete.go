package repl

import (
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lazyre"
	"github.com/flyscript/flyscript/internal/lua51"
)

// luaKeywords complete at the start of an expression, after the globals.
var luaKeywords = []string{
	"and", "break", "do", "else", "elseif", "end", "false", "for", "function",
	"goto", "if", "in", "local", "nil", "not", "or", "repeat", "return",
	"then", "true", "until", "while",
}

// exprAtEnd matches the expression being typed at the end of the text before
// the cursor: names joined by `.` or `:`, where a segment may be a call with
// one string literal (`fly.app("api").machines.li`).
var exprAtEnd = lazyre.New(`((?:[A-Za-z_][A-Za-z0-9_]*(?:\(\s*(?:"[^"]*"|'[^']*')\s*\))?\s*[.:]\s*)*)([A-Za-z_][A-Za-z0-9_]*)?$`)

var segment = lazyre.New(`([A-Za-z_][A-Za-z0-9_]*)(?:\(\s*(?:"([^"]*)"|'([^']*)')\s*\))?\s*([.:])`)

// Completer completes names at the cursor by walking Lua tables: globals
// first, then the fields of tables at any depth, following __index tables
// of metatables. A segment written as a call is evaluated only for the
// functions listed in PureCalls (such as "fly.app", which builds a handle and
// makes no request), so pressing Tab never has side effects.
type Completer struct {
	L         *lua.LState
	PureCalls map[string]bool
}

// Complete has the shape of liner.WordCompleter: the text kept before the
// word, the candidates for the word, and the text after the cursor.
func (c *Completer) Complete(line string, pos int) (head string, completions []string, tail string) {
	if pos > len(line) {
		pos = len(line)
	}
	before, tail := line[:pos], line[pos:]
	if inString(before) {
		return before, nil, tail
	}
	m := exprAtEnd().FindStringSubmatchIndex(before)
	if m == nil {
		return before, nil, tail
	}
	path := before[m[2]:m[3]]
	partial := ""
	if m[4] >= 0 {
		partial = before[m[4]:m[5]]
	}
	head = before[:len(before)-len(partial)]

	var table *lua.LTable
	if path == "" {
		table = c.L.G.Global
	} else {
		table = c.resolve(path)
		if table == nil {
			return head, nil, tail
		}
	}
	names := fieldNames(c.L, table)
	if path == "" {
		names = append(names, luaKeywords...)
	}
	seen := map[string]bool{}
	for _, n := range names {
		if strings.HasPrefix(n, partial) && !seen[n] {
			seen[n] = true
			completions = append(completions, n)
		}
	}
	sort.Strings(completions)
	return head, completions, tail
}

// resolve walks a path such as `fly.app("api").machines.` to the table it
// names, or nil.
func (c *Completer) resolve(path string) *lua.LTable {
	var cur lua.LValue = c.L.G.Global
	qualified := ""
	for _, s := range segment().FindAllStringSubmatch(path, -1) {
		name := s[1]
		cur = c.field(cur, name)
		if qualified == "" {
			qualified = name
		} else {
			qualified += "." + name
		}
		isCall := strings.Contains(s[0], "(")
		if isCall {
			fn, ok := cur.(*lua.LFunction)
			if !ok || !c.PureCalls[qualified] {
				return nil
			}
			arg := s[2]
			if arg == "" {
				arg = s[3]
			}
			v, err := c.call(fn, arg)
			if err != nil {
				return nil
			}
			cur = v
		}
		if cur == lua.LNil {
			return nil
		}
	}
	t, _ := cur.(*lua.LTable)
	return t
}

func (c *Completer) call(fn *lua.LFunction, arg string) (lua.LValue, error) {
	L := c.L
	base := L.GetTop()
	L.Push(fn)
	L.Push(lua.LString(arg))
	if err := lua51.PCall(L, 1, 1, nil); err != nil {
		L.SetTop(base)
		return lua.LNil, err
	}
	v := L.Get(-1)
	L.SetTop(base)
	return v, nil
}

// field reads t[name] without invoking __index functions: completion must not
// run user code.
func (c *Completer) field(v lua.LValue, name string) lua.LValue {
	for depth := 0; depth < 8; depth++ {
		t, ok := v.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		if lazy.FillKey(t, name) != nil { // a member built on first access
			return lua.LNil
		}
		if f := t.RawGetString(name); f != lua.LNil {
			return f
		}
		mt, ok := c.L.GetMetatable(t).(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		v = mt.RawGetString("__index")
	}
	return lua.LNil
}

// fieldNames lists the string keys of t that are valid identifiers, and
// those of the __index tables behind it.
func fieldNames(L *lua.LState, t *lua.LTable) []string {
	var names []string
	for depth := 0; t != nil && depth < 8; depth++ {
		if lazy.Force(t) != nil { // a record whose members were kept aside
			break
		}
		t.ForEach(func(k, _ lua.LValue) {
			if s, ok := k.(lua.LString); ok && isIdent(string(s)) && !strings.HasPrefix(string(s), "__") {
				names = append(names, string(s))
			}
		})
		mt, ok := L.GetMetatable(t).(*lua.LTable)
		if !ok {
			break
		}
		t, _ = mt.RawGetString("__index").(*lua.LTable)
	}
	return names
}

var ident = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

func isIdent(s string) bool { return ident().MatchString(s) }

// inString reports whether the text ends inside a quoted string, where
// completion would only get in the way.
func inString(s string) bool {
	var quote rune
	escaped := false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && quote != 0:
			escaped = true
		case quote != 0 && r == quote:
			quote = 0
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
		}
	}
	return quote != 0
}
