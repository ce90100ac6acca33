package luadefs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// LuarcFile is the name of lua-language-server's project configuration.
const LuarcFile = ".luarc.json"

// LuaVersion is the runtime.version LuaLS checks scripts against: gopher-lua
// implements Lua 5.1.
const LuaVersion = "Lua 5.1"

// GenerateLuarc returns a .luarc.json that sets runtime.version to Lua 5.1,
// adds library (the folder holding fly.d.lua, relative to the .luarc.json)
// to workspace.library and the script globals to diagnostics.globals.
//
// When existing is not empty it is the current file: its other settings
// are kept, and the lists are extended rather than replaced. Settings may be
// written nested ({"runtime": {"version": ...}}) or dotted
// ({"runtime.version": ...}), as LuaLS accepts both; a dotted key already
// present is updated in place. It fails when existing is not a JSON object.
func GenerateLuarc(existing []byte, library string) ([]byte, error) {
	cfg := map[string]any{}
	if len(bytes.TrimSpace(existing)) > 0 {
		if err := json.Unmarshal(existing, &cfg); err != nil {
			return nil, fmt.Errorf("%s is not a JSON object: %w", LuarcFile, err)
		}
		if cfg == nil {
			cfg = map[string]any{}
		}
	}
	if err := setting(cfg, "runtime.version", func(any) any { return LuaVersion }); err != nil {
		return nil, err
	}
	if err := setting(cfg, "workspace.library", func(old any) any { return union(old, []string{library}) }); err != nil {
		return nil, err
	}
	if err := setting(cfg, "diagnostics.globals", func(old any) any { return union(old, Globals) }); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cfg); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// setting updates the dotted key of cfg with update(old value): the
// dotted key itself when present, else the nested objects, created as
// needed.
func setting(cfg map[string]any, key string, update func(old any) any) error {
	if old, ok := cfg[key]; ok {
		cfg[key] = update(old)
		return nil
	}
	parts := strings.Split(key, ".")
	m := cfg
	for i, p := range parts[:len(parts)-1] {
		next, ok := m[p]
		if !ok {
			n := map[string]any{}
			m[p] = n
			m = n
			continue
		}
		n, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: %s is not an object", LuarcFile, strings.Join(parts[:i+1], "."))
		}
		m = n
	}
	last := parts[len(parts)-1]
	m[last] = update(m[last])
	return nil
}

// union appends the strings of add missing from old (a JSON list) to it.
func union(old any, add []string) []any {
	var out []any
	seen := map[string]bool{}
	list, ok := old.([]any)
	if !ok && old != nil {
		list = []any{old}
	}
	for _, v := range list {
		out = append(out, v)
		if s, ok := v.(string); ok {
			seen[s] = true
		}
	}
	for _, s := range add {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
