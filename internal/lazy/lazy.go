// Package lazy keeps tables whose members are filled on first access. The
// bindings decode a record's nested objects and arrays (a machine's config,
// events, checks) only when a script reads them, from the answer's bytes
// kept aside; a script that reads m.state never pays for m.config.
//
// Laziness is invisible. A lazy table's metatable, prepared by Set.Prepare,
// has an __index that fills a member when it is read and a __newindex that
// forgets a pending member written before it was read. Everything that walks
// a table raw fills it first: the Lua functions next, pairs, rawget, rawset
// and setmetatable (wrapped by Wrap), and on the Go side every walker that
// calls Force or FillKey (json.encode, inspect, log fields, the conversion to
// Go values, the encoders of request bodies, the REPL's completion). Members
// keep their place in pairs' order: the decoder reserves a pending member's
// key where it stood in the answer.
//
// Package bindings makes lazy tables; stdlib, the root package and
// internal/repl call Force. It imports none of them.
package lazy

import (
	"strings"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// Members is what a lazy table kept aside for its pending members.
type Members interface {
	// Fill sets the pending member key of t (raw) and reports whether key
	// was pending. A member already present raw in t is only forgotten.
	Fill(t *lua.LTable, key string) (bool, error)
	// FillAll sets every pending member of t.
	FillAll(t *lua.LTable) error
	// Drop forgets the pending member key, written before it was read.
	Drop(key string)
	// Pending is the number of members not filled yet.
	Pending() int
	// Keys lists the members not filled yet.
	Keys() []string
}

// markerKey is the metatable field that leads Force from a table to its Set.
const markerKey = "__lazy"

// Set holds the pending members of one Lua state's lazy tables. It is used
// on the state's goroutine only. Tables are held weakly: a record the script
// drops is collected with what it kept aside.
type Set struct {
	tables  map[weak.Pointer[lua.LTable]]Members
	sweepAt int
	marker  *lua.LUserData
	index   *lua.LFunction
	assign  *lua.LFunction
}

// minSweep is the number of tables below which dead entries are not swept.
const minSweep = 256

// NewSet returns an empty Set for L.
func NewSet(L *lua.LState) *Set {
	s := &Set{tables: map[weak.Pointer[lua.LTable]]Members{}, sweepAt: minSweep}
	s.marker = L.NewUserData()
	s.marker.Value = s
	s.index = L.NewFunction(s.luaIndex)
	s.assign = L.NewFunction(s.luaNewIndex)
	return s
}

// Prepare makes mt a metatable for lazy tables of s: it sets __index,
// __newindex and the marker Force looks for.
func (s *Set) Prepare(mt *lua.LTable) {
	mt.RawSetString("__index", s.index)
	mt.RawSetString("__newindex", s.assign)
	mt.RawSetString(markerKey, s.marker)
}

// Add records that t, whose metatable was prepared by Prepare, has the
// pending members m.
func (s *Set) Add(t *lua.LTable, m Members) {
	if len(s.tables) >= s.sweepAt {
		s.sweep()
	}
	s.tables[weak.Make(t)] = m
}

// sweep forgets the tables that were collected.
func (s *Set) sweep() {
	for k := range s.tables {
		if k.Value() == nil {
			delete(s.tables, k)
		}
	}
	s.sweepAt = max(2*len(s.tables), minSweep)
}

// Len is the number of tables with pending members (collected ones
// included until the next sweep).
func (s *Set) Len() int { return len(s.tables) }

func (s *Set) members(t *lua.LTable) (weak.Pointer[lua.LTable], Members) {
	if len(s.tables) == 0 {
		return weak.Pointer[lua.LTable]{}, nil
	}
	k := weak.Make(t)
	return k, s.tables[k]
}

// fill fills member key of t when it is pending.
func (s *Set) fill(t *lua.LTable, key string) error {
	k, m := s.members(t)
	if m == nil {
		return nil
	}
	_, err := m.Fill(t, key)
	if m.Pending() == 0 {
		delete(s.tables, k)
	}
	return err
}

// fillAll fills every pending member of t.
func (s *Set) fillAll(t *lua.LTable) error {
	k, m := s.members(t)
	if m == nil {
		return nil
	}
	delete(s.tables, k)
	return m.FillAll(t)
}

// drop forgets the pending member key of t.
func (s *Set) drop(t *lua.LTable, key string) {
	k, m := s.members(t)
	if m == nil {
		return
	}
	m.Drop(key)
	if m.Pending() == 0 {
		delete(s.tables, k)
	}
}

// setOf returns the Set of t's metatable, or nil when t is not lazy.
func setOf(t *lua.LTable) *Set {
	mt, ok := t.Metatable.(*lua.LTable)
	if !ok {
		return nil
	}
	ud, ok := mt.RawGetString(markerKey).(*lua.LUserData)
	if !ok {
		return nil
	}
	s, _ := ud.Value.(*Set)
	return s
}

// Force fills every pending member of t, so that a raw walk (ForEach, Next)
// sees it whole. It does nothing for other tables, and costs one metatable
// lookup for a table with a metatable.
func Force(t *lua.LTable) error {
	if t.Metatable == lua.LNil {
		return nil
	}
	if s := setOf(t); s != nil {
		return s.fillAll(t)
	}
	return nil
}

// FillKey fills the member key of t when it is pending, so that
// t.RawGetString(key) sees it.
func FillKey(t *lua.LTable, key string) error {
	if t.Metatable == lua.LNil {
		return nil
	}
	if s := setOf(t); s != nil {
		return s.fill(t, key)
	}
	return nil
}

// Path reads a dotted path ("organization.slug") from t with raw gets,
// filling pending members on the way; nil when a step is missing, is not a
// table, or fails to decode.
func Path(t *lua.LTable, path string) lua.LValue {
	var v lua.LValue = t
	for _, part := range strings.Split(path, ".") {
		tt, ok := v.(*lua.LTable)
		if !ok {
			return lua.LNil
		}
		if err := FillKey(tt, part); err != nil {
			return lua.LNil
		}
		v = tt.RawGetString(part)
	}
	return v
}

// PendingKeys lists the members of t not filled yet, without filling them
// (for code that must not build anything, as an error message's hint).
func PendingKeys(t *lua.LTable) []string {
	if t.Metatable == lua.LNil {
		return nil
	}
	s := setOf(t)
	if s == nil {
		return nil
	}
	_, m := s.members(t)
	if m == nil {
		return nil
	}
	return m.Keys()
}

// luaIndex is the __index of lazy tables: it fills a pending member.
func (s *Set) luaIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	key, ok := L.Get(2).(lua.LString)
	if !ok {
		L.Push(lua.LNil)
		return 1
	}
	if err := s.fill(t, string(key)); err != nil {
		L.RaiseError("%s", err.Error())
	}
	L.Push(t.RawGetString(string(key)))
	return 1
}

// luaNewIndex is the __newindex of lazy tables: a pending member written
// before it was read is forgotten, and the value set as a plain assignment
// would.
func (s *Set) luaNewIndex(L *lua.LState) int {
	t := L.CheckTable(1)
	k := L.Get(2)
	if key, ok := k.(lua.LString); ok {
		s.drop(t, string(key))
	}
	L.RawSet(t, k, L.Get(3))
	return 0
}
