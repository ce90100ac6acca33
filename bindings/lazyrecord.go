package bindings

import (
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lazy"
)

// lazyRecord is what a record decoded from an answer keeps aside: the
// objects and arrays among its members (a machine's config, events, checks,
// image_ref), checked when the answer was decoded and decoded into tables
// when the script first reads them (package lazy says how that stays
// invisible). It holds the answer's bytes until its last member is filled.
type lazyRecord struct {
	data    []byte
	env     *decodeEnv
	members []lazyMember
}

var _ lazy.Members = (*lazyRecord)(nil)

// lazyMember is one pending member: its key, where its JSON value is in
// data, and its schema.
type lazyMember struct {
	key        string
	start, end int
	s          *Schema
}

// add keeps m aside, replacing a pending member of the same key (a key
// repeated in the answer: the last one counts).
func (r *lazyRecord) add(m lazyMember) {
	for i := range r.members {
		if r.members[i].key == m.key {
			r.members[i] = m
			return
		}
	}
	r.members = append(r.members, m)
}

// take removes and returns the pending member key.
func (r *lazyRecord) take(key string) (lazyMember, bool) {
	for i := range r.members {
		if r.members[i].key == key {
			m := r.members[i]
			r.members = append(r.members[:i], r.members[i+1:]...)
			return m, true
		}
	}
	return lazyMember{}, false
}

// Fill decodes the pending member key into t.
func (r *lazyRecord) Fill(t *lua.LTable, key string) (bool, error) {
	m, ok := r.take(key)
	if !ok {
		return false, nil
	}
	if len(r.members) == 0 {
		defer func() { r.data = nil }()
	}
	return true, r.fill(t, m)
}

func (r *lazyRecord) fill(t *lua.LTable, m lazyMember) error {
	if t.RawGetString(m.key) != lua.LNil {
		return nil // set raw by Go code since: that value counts
	}
	d := newDecoder(r.data[:m.end], m.start, r.env)
	defer d.release()
	v, err := d.value(m.s)
	if err != nil {
		return err
	}
	t.RawSetString(m.key, v)
	return nil
}

// FillAll decodes every pending member into t, in the answer's order.
func (r *lazyRecord) FillAll(t *lua.LTable) error {
	ms := r.members
	r.members = nil
	defer func() { r.data = nil }()
	for _, m := range ms {
		if err := r.fill(t, m); err != nil {
			return err
		}
	}
	return nil
}

// Drop forgets the pending member key.
func (r *lazyRecord) Drop(key string) {
	r.take(key)
	if len(r.members) == 0 {
		r.data = nil
	}
}

// Pending is the number of members not decoded yet.
func (r *lazyRecord) Pending() int { return len(r.members) }

// Keys lists the members not decoded yet.
func (r *lazyRecord) Keys() []string {
	out := make([]string, len(r.members))
	for i, m := range r.members {
		out[i] = m.key
	}
	return out
}
