package stdlib

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
	"github.com/flyscript/flyscript/internal/lua51"
)

// InspectOptions tunes Inspect.
type InspectOptions struct {
	// Depth is how many levels of tables are shown; deeper non-empty tables
	// print as {...}. Zero means no limit.
	Depth int
	// Width is the line length under which a table prints on one line;
	// longer ones print one entry per line. Zero means 80; a negative width
	// puts everything on one line.
	Width int
	// Indent is the indentation per level of multi-line tables; "" means
	// two spaces.
	Indent string
	// Tostring shows tables with a __tostring metamethod (records, error
	// values) as that string instead of their fields. It needs L.
	Tostring bool
	// L calls __tostring metamethods: of userdata always, of tables when
	// Tostring is set. Without it userdata print as <userdata>.
	L *lua.LState
	// FuncName, when set, names the host's functions: <function
	// fly.machines.list> rather than the line of a wrapper the script
	// cannot open.
	FuncName func(*lua.LFunction) (string, bool)
	// MaxBytes, when positive, bounds the memory the text takes: it grows
	// by doubling, so once it would pass half of MaxBytes it stops with
	// "...", and a string too large to quote within it shows as
	// <string of N bytes>.
	MaxBytes int
	// MaxEntries, when positive, is how many entries of a table are
	// shown; the others are counted: "... (99900 more)", or with
	// MoreNote "... (99900 more; MoreNote)".
	MaxEntries int
	MoreNote   string
	// Context, or else the context of L, bounds the time rendering takes:
	// soon after it ends the text is cut short with "...".
	Context context.Context
}

// MaxInspectDepth is how many levels of tables Inspect shows whatever
// Depth says; deeper tables print as {...}. It keeps the walk's Go stack
// and the text bounded for values nested on purpose.
const MaxInspectDepth = 200

// Inspect renders v for people: strings quoted, tables with their sequence
// part first then the other keys sorted (identifier keys bare, others as
// ["key"] or [1.5]), a table met again inside itself as <cycle>, functions
// as <function source:line>, and never an address. A table that fits in
// Width stays on one line: { id = "148e", region = "ord" }.
func Inspect(v lua.LValue, opts InspectOptions) string {
	p := inspector{opts: opts, visiting: map[*lua.LTable]bool{}}
	if p.opts.Width == 0 {
		p.opts.Width = 80
	}
	if p.opts.Indent == "" {
		p.opts.Indent = "  "
	}
	var b strings.Builder
	p.tree(&b, v, 0, p.opts.Width)
	return b.String()
}

type inspector struct {
	opts     InspectOptions
	visiting map[*lua.LTable]bool
	// count and stopped bound the time a huge value takes: every
	// checkEvery entries the context of L is looked at.
	count   int
	stopped bool
	// size is how many bytes of strings the text holds so far (MaxBytes).
	size int
}

// checkEvery is how many entries a walk renders between two looks at its
// context.
const checkEvery = 4096

// interrupted reports whether rendering must stop because L's context
// has ended.
func (p *inspector) interrupted() bool {
	if p.stopped {
		return true
	}
	p.count++
	if p.count%checkEvery != 0 {
		return false
	}
	ctx := p.opts.Context
	if ctx == nil && p.opts.L != nil {
		ctx = p.opts.L.Context()
	}
	if ctx != nil && ctx.Err() != nil {
		p.stopped = true
	}
	return p.stopped
}

type inspectEntry struct {
	prefix string // "", "name = ", `["a b"] = `, "[2.5] = "
	value  lua.LValue
	more   int // > 0: not an entry but the count of those left out (MaxEntries)
}

// moreText is the text of the mark of the entries left out.
func (p *inspector) moreText(e inspectEntry) string {
	if p.opts.MoreNote != "" {
		return fmt.Sprintf("... (%d more; %s)", e.more, p.opts.MoreNote)
	}
	return fmt.Sprintf("... (%d more)", e.more)
}

// tree writes v at indentation level, with avail columns left on the line.
func (p *inspector) tree(b *strings.Builder, v lua.LValue, level, avail int) {
	t, ok := v.(*lua.LTable)
	if !ok || p.opts.Width < 0 {
		s, _ := p.flat(v, level, -1)
		b.WriteString(s)
		return
	}
	if s, ok := p.leaf(t, level); ok {
		b.WriteString(s)
		return
	}
	if s, ok := p.flat(v, level, avail); ok {
		b.WriteString(s)
		return
	}
	entries := p.entries(t)
	p.visiting[t] = true
	inner := strings.Repeat(p.opts.Indent, level+1)
	b.WriteString("{\n")
	for i, e := range entries {
		if p.interrupted() {
			b.WriteString(inner + "...\n")
			break
		}
		b.WriteString(inner)
		if e.more > 0 {
			b.WriteString(p.moreText(e) + "\n")
			continue
		}
		b.WriteString(e.prefix)
		p.tree(b, e.value, level+1, p.opts.Width-len(inner)-len(e.prefix)-1)
		if i < len(entries)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	delete(p.visiting, t)
	b.WriteString(strings.Repeat(p.opts.Indent, level))
	b.WriteByte('}')
}

// leaf renders the tables that are never opened: cycles, empty ones, those
// past the depth limit and those shown through __tostring.
func (p *inspector) leaf(t *lua.LTable, level int) (string, bool) {
	if err := lazy.Force(t); err != nil { // a record whose members were kept aside
		return "<" + err.Error() + ">", true
	}
	if p.visiting[t] {
		return "<cycle>", true
	}
	if p.opts.Tostring {
		if s, ok := p.tostring(t); ok {
			return s, true
		}
	}
	if k, _ := t.Next(lua.LNil); k == lua.LNil {
		return "{}", true
	}
	if (p.opts.Depth > 0 && level >= p.opts.Depth) || level >= MaxInspectDepth || p.stopped {
		return "{...}", true
	}
	return "", false
}

// flat renders v on one line; with budget >= 0 it gives up (false) as soon
// as the text would be longer.
func (p *inspector) flat(v lua.LValue, level, budget int) (string, bool) {
	t, ok := v.(*lua.LTable)
	if !ok {
		s := p.scalar(v)
		return s, budget < 0 || len(s) <= budget
	}
	if s, ok := p.leaf(t, level); ok {
		return s, budget < 0 || len(s) <= budget
	}
	entries := p.entries(t)
	p.visiting[t] = true
	defer delete(p.visiting, t)
	var b strings.Builder
	b.WriteString("{ ")
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		if p.interrupted() {
			b.WriteString("...")
			break
		}
		if e.more > 0 {
			b.WriteString(p.moreText(e))
			continue
		}
		b.WriteString(e.prefix)
		rest := -1
		if budget >= 0 {
			rest = budget - b.Len() - 2
			if rest < 0 {
				return "", false
			}
		}
		s, ok := p.flat(e.value, level+1, rest)
		if !ok {
			return "", false
		}
		b.WriteString(s)
	}
	b.WriteString(" }")
	return b.String(), budget < 0 || b.Len() <= budget
}

// entries lists t's contents in display order: the sequence 1..n, then
// number keys ascending, string keys sorted, then the rest.
func (p *inspector) entries(t *lua.LTable) []inspectEntry {
	var out []inspectEntry
	n := 0
	for ; ; n++ {
		v := t.RawGetInt(n + 1)
		if v == lua.LNil {
			break
		}
		out = append(out, inspectEntry{value: v})
	}
	type keyed struct {
		rank int // 0 numbers, 1 strings, 2 booleans, 3 others
		num  float64
		str  string
		key  lua.LValue
		val  lua.LValue
	}
	var rest []keyed
	t.ForEach(func(k, v lua.LValue) {
		switch k := k.(type) {
		case lua.LNumber:
			f := float64(k)
			if f == math.Trunc(f) && f >= 1 && f <= float64(n) {
				return
			}
			rest = append(rest, keyed{rank: 0, num: f, key: k, val: v})
		case lua.LString:
			rest = append(rest, keyed{rank: 1, str: string(k), key: k, val: v})
		case lua.LBool:
			rest = append(rest, keyed{rank: 2, str: k.String(), key: k, val: v})
		default:
			rest = append(rest, keyed{rank: 3, str: p.scalarKey(k), key: k, val: v})
		}
	})
	slices.SortFunc(rest, func(a, b keyed) int {
		if c := cmp.Compare(a.rank, b.rank); c != 0 {
			return c
		}
		if c := cmp.Compare(a.num, b.num); c != 0 {
			return c
		}
		return strings.Compare(a.str, b.str)
	})
	for _, k := range rest {
		var prefix string
		switch {
		case k.rank == 1 && IsIdentifier(k.str):
			prefix = k.str + " = "
		case k.rank == 1:
			prefix = "[" + quoteLua(k.str) + "] = "
		default:
			prefix = "[" + p.scalarKey(k.key) + "] = "
		}
		out = append(out, inspectEntry{prefix: prefix, value: k.val})
	}
	if max := p.opts.MaxEntries; max > 0 && len(out) > max {
		out = append(out[:max:max], inspectEntry{more: len(out) - max})
	}
	return out
}

// scalarKey renders a key that is neither a string nor a number.
func (p *inspector) scalarKey(k lua.LValue) string {
	if t, ok := k.(*lua.LTable); ok {
		if s, ok := p.tostring(t); ok && p.opts.Tostring {
			return s
		}
		return "<table>"
	}
	return p.scalar(k)
}

// scalar renders every value but a table.
func (p *inspector) scalar(v lua.LValue) string {
	switch v := v.(type) {
	case *lua.LNilType:
		return "nil"
	case lua.LBool:
		return v.String()
	case lua.LNumber:
		return formatNumber(float64(v))
	case lua.LString:
		if m := p.opts.MaxBytes; m > 0 && 2*(p.size+4*len(v)) > m { // quoting may write 4 bytes for one
			p.stopped = true
			return fmt.Sprintf("<string of %d bytes>", len(v))
		}
		p.size += len(v)
		return quoteLua(string(v))
	case *lua.LFunction:
		if p.opts.FuncName != nil {
			if name, ok := p.opts.FuncName(v); ok {
				return "<function " + name + ">"
			}
		}
		if v.IsG || v.Proto == nil {
			return "<function>"
		}
		return fmt.Sprintf("<function %s:%d>", v.Proto.SourceName, v.Proto.LineDefined)
	case *lua.LUserData:
		if IsNull(v) {
			return "json.null"
		}
		if e, ok := v.Value.(*ExitError); ok {
			return e.Error()
		}
		if s, ok := p.tostring(v); ok {
			return s
		}
		return "<userdata>"
	case *lua.LTable:
		return "<table>"
	}
	return "<" + v.Type().String() + ">"
}

// tostring calls v's __tostring metamethod, when there is one and an L to
// call it with.
func (p *inspector) tostring(v lua.LValue) (string, bool) {
	L := p.opts.L
	if L == nil {
		return "", false
	}
	fn, ok := L.GetMetaField(v, "__tostring").(*lua.LFunction)
	if !ok {
		return "", false
	}
	if err := lua51.Protected(L, fn, 1, v); err != nil {
		return "", false
	}
	r := L.Get(-1)
	L.Pop(1)
	if s, ok := r.(lua.LString); ok {
		return string(s), true
	}
	return "", false
}

// formatNumber writes numbers as Lua does, with whole numbers bare and
// inf, -inf and nan for the special values.
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return lua.LNumber(f).String()
}

// quoteLua quotes s as a Lua string literal that reads back to the same
// bytes: printable UTF-8 kept, the rest escaped.
func quoteLua(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
				break
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			if c >= utf8.RuneSelf && r != utf8.RuneError && unicode.IsPrint(r) {
				b.WriteString(s[i : i+size])
				i += size
				continue
			}
			b.WriteString(`\` + fmt.Sprintf("%03d", c))
		}
		i++
	}
	b.WriteByte('"')
	return b.String()
}

// inspectFn is the global inspect(v, {depth=, width=, tostring=}) -> string.
func (in *instance) inspectFn(L *lua.LState) int {
	const name = "inspect"
	opts := optTable(L, name, 2)
	checkOptions(L, name, 2, opts, "depth", "tostring", "width")
	o := InspectOptions{L: L, MaxBytes: in.roomLeft(), FuncName: in.funcName}
	if opts != nil {
		o.Depth = optInt(L, name, opts, "depth")
		o.Width = optInt(L, name, opts, "width")
		o.Tostring = lua.LVAsBool(opts.RawGetString("tostring"))
	}
	L.Push(lua.LString(Inspect(L.Get(1), o)))
	return 1
}

// optInt reads a whole-number option, 0 when absent.
func optInt(L *lua.LState, name string, opts *lua.LTable, key string) int {
	switch v := opts.RawGetString(key).(type) {
	case *lua.LNilType:
		return 0
	case lua.LNumber:
		if float64(v) == math.Trunc(float64(v)) && math.Abs(float64(v)) < 1<<31 {
			return int(v)
		}
	}
	got := typeName(opts.RawGetString(key))
	if n, ok := opts.RawGetString(key).(lua.LNumber); ok {
		got = formatNumber(float64(n))
	}
	L.RaiseError("%s: %s: expected a whole number, got %s", name, key, got)
	return 0
}
