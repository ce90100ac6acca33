// Command gen writes the client's typed models from the embedded OpenAPI
// document: client/types_gen.go (one Go type per schema) and
// client/schemas_gen_test.go (the schema-to-type table the tests walk).
//
// Run it with `go generate ./client/` from the repository root.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/flyscript/flyscript/internal/openapi"
)

// schema is the part of a JSON Schema the generator reads.
type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 json.RawMessage    `json:"type"`
	Format               string             `json:"format"`
	Description          string             `json:"description"`
	Enum                 []any              `json:"enum"`
	EnumVarNames         []string           `json:"x-enum-varnames"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AdditionalProperties json.RawMessage    `json:"additionalProperties"`
	AllOf                []*schema          `json:"allOf"`
}

// types returns the schema's type names ("string", or ["integer","null"]).
func (s *schema) types() []string {
	if len(s.Type) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(s.Type, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(s.Type, &many)
	return many
}

// mainType is the first non-null type, and whether null is allowed.
func (s *schema) mainType() (string, bool) {
	t, nullable := "", false
	for _, x := range s.types() {
		if x == "null" {
			nullable = true
		} else if t == "" {
			t = x
		}
	}
	return t, nullable
}

func (s *schema) additional() *schema {
	if len(s.AdditionalProperties) == 0 || string(s.AdditionalProperties) == "false" || string(s.AdditionalProperties) == "true" {
		return nil
	}
	var a schema
	if err := json.Unmarshal(s.AdditionalProperties, &a); err != nil {
		return nil
	}
	return &a
}

// typeNames overrides the Go names of schemas whose plain name reads badly.
var typeNames = map[string]string{
	"main.statusCode":    "ErrorStatus",
	"macaroon.Nonce":     "MacaroonNonce",
	"placement.Weights":  "PlacementWeights",
	"resset.Action":      "ResourceAction",
	"fly.dnsForwardRule": "DNSForwardRule",
	"fly.dnsOption":      "DNSOption",
	"flyio.Access":       "Access",
}

// initialisms are written in capitals in Go names.
var initialisms = map[string]string{
	"id": "ID", "ip": "IP", "ips": "IPs", "url": "URL", "http": "HTTP", "https": "HTTPS", "tls": "TLS",
	"dns": "DNS", "cpu": "CPU", "cpus": "CPUs", "gpu": "GPU", "gpus": "GPUs", "mb": "MB", "gb": "GB",
	"ttl": "TTL", "api": "API", "tcp": "TCP", "udp": "UDP", "acme": "ACME", "alpn": "ALPN", "cname": "CNAME",
	"uid": "UID", "fqdn": "FQDN", "oidc": "OIDC", "kms": "KMS", "pitr": "PITR", "rss": "RSS", "soa": "SOA",
	"txt": "TXT", "v4": "V4", "v6": "V6", "h2": "H2", "pg": "PG", "ipv4": "IPv4", "ipv6": "IPv6", "cidr": "CIDR",
	"json": "JSON", "ssh": "SSH", "aaaa": "AAAA", "kid": "KID", "rnd": "RND", "mpg": "MPG", "aws": "AWS",
}

// pointerInts are integer properties whose zero means something, so that
// absent and zero must differ.
var pointerInts = map[string]bool{
	"min_machines_running": true, "max_retries": true, "exit_code": true, "guest_exit_code": true,
	"lease_ttl": true, "snapshot_retention": true, "timeout": true, "success_threshold": true,
	"failure_threshold": true, "hard_limit": true, "soft_limit": true,
}

// goName turns a JSON or schema name into an exported Go name.
func goName(s string) string {
	var b strings.Builder
	words := strings.FieldsFunc(s, func(r rune) bool { return r == '_' || r == '-' || r == '.' || r == ' ' || r == '/' })
	for _, w := range words {
		// Split camelCase words ("sourceApp") at their capitals.
		for _, part := range splitCamel(w) {
			if up, ok := initialisms[strings.ToLower(part)]; ok {
				b.WriteString(up)
				continue
			}
			r := []rune(part)
			r[0] = unicode.ToUpper(r[0])
			b.WriteString(string(r))
		}
	}
	out := b.String()
	if out == "" || !unicode.IsLetter([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

func splitCamel(w string) []string {
	var parts []string
	start := 0
	r := []rune(w)
	for i := 1; i < len(r); i++ {
		if unicode.IsUpper(r[i]) && unicode.IsLower(r[i-1]) {
			parts = append(parts, string(r[start:i]))
			start = i
		}
	}
	return append(parts, string(r[start:]))
}

func typeName(schemaName string) string {
	if n, ok := typeNames[schemaName]; ok {
		return n
	}
	base := schemaName
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		base = base[i+1:]
	}
	r := []rune(base)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

type generator struct {
	schemas map[string]*schema
	names   map[string]string // schema name -> Go type name
	out     bytes.Buffer
	pending []pendingType // inline object types still to write
	written map[string]bool
}

type pendingType struct {
	name, origin string
	s            *schema
}

func refName(ref string) string { return strings.TrimPrefix(ref, "#/components/schemas/") }

// goType returns the Go type of a property schema. owner and prop name the
// Go type to create for an inline object.
func (g *generator) goType(s *schema, owner, prop, origin string) string {
	if s.Ref != "" {
		return g.refType(refName(s.Ref))
	}
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" {
		return g.refType(refName(s.AllOf[0].Ref))
	}
	t, nullable := s.mainType()
	switch t {
	case "string":
		if nullable {
			return "*string"
		}
		return "string"
	case "boolean":
		return "*bool"
	case "integer":
		it := "int"
		if s.Format == "int64" {
			it = "int64"
		}
		if nullable || pointerInts[prop] {
			return "*" + it
		}
		return it
	case "number":
		if nullable {
			return "*float64"
		}
		return "float64"
	case "array":
		if s.Items == nil {
			return "[]any"
		}
		if it, _ := s.Items.mainType(); it == "integer" && s.Items.Ref == "" {
			// Every array of integers of the document is a byte field of
			// the Go server ([]byte), which it writes as base64.
			return "Bytes"
		}
		elem := g.goType(s.Items, owner, prop+"_item", origin+"[]")
		return "[]" + strings.TrimPrefix(elem, "*")
	case "object", "":
		if len(s.Properties) > 0 {
			name := owner + goName(prop)
			g.pending = append(g.pending, pendingType{name, origin, s})
			return "*" + name
		}
		if a := s.additional(); a != nil {
			return "map[string]" + strings.TrimPrefix(g.goType(a, owner, prop+"_value", origin+"{}"), "*")
		}
		if t == "" {
			return "any"
		}
		return "map[string]any"
	}
	log.Fatalf("%s: unknown type %q", origin, t)
	return ""
}

// refType is the Go type of a reference: a pointer to a struct, the named
// type itself for enums and maps.
func (g *generator) refType(name string) string {
	target, ok := g.schemas[name]
	if !ok {
		log.Fatalf("unknown schema %s", name)
	}
	t, _ := target.mainType()
	if t == "object" && len(target.Properties) == 0 && target.additional() != nil {
		return g.names[name]
	}
	if t == "object" || t == "" {
		return "*" + g.names[name]
	}
	return g.names[name]
}

func comment(b *bytes.Buffer, indent, text string) {
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintf(b, "%s//\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s// %s\n", indent, line)
	}
}

func (g *generator) writeStruct(name, origin string, s *schema, doc string) {
	if g.written[name] {
		log.Fatalf("two types named %s (%s)", name, origin)
	}
	g.written[name] = true
	b := &g.out
	comment(b, "", doc)
	fmt.Fprintf(b, "type %s struct {\n", name)
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	props := make([]string, 0, len(s.Properties))
	for p := range s.Properties {
		props = append(props, p)
	}
	sort.Strings(props)
	used := map[string]bool{}
	for _, p := range props {
		ps := s.Properties[p]
		field := goName(p)
		if used[field] {
			field += "Compat" // "Version" beside "version"
		}
		used[field] = true
		typ := g.goType(ps, name, p, origin+"."+p)
		desc := ps.Description
		if desc == "" && len(ps.AllOf) == 0 && ps.Ref == "" {
			desc = ""
		}
		if desc != "" {
			comment(b, "\t", desc)
		}
		tag := p
		if !required[p] {
			tag += ",omitempty"
		}
		fmt.Fprintf(b, "\t%s %s `json:%q`\n", field, typ, tag)
	}
	b.WriteString("}\n\n")
}

func (g *generator) writeSchema(schemaName string, s *schema) {
	name := g.names[schemaName]
	doc := fmt.Sprintf("%s is the document's %s schema.", name, schemaName)
	if s.Description != "" {
		doc += "\n\n" + s.Description
	}
	t, _ := s.mainType()
	b := &g.out
	switch {
	case len(s.Enum) > 0:
		base := map[string]string{"string": "string", "integer": "int"}[t]
		if base == "" {
			log.Fatalf("%s: enum of %s", schemaName, t)
		}
		comment(b, "", doc)
		fmt.Fprintf(b, "type %s %s\n\n", name, base)
		fmt.Fprintf(b, "// Values of %s.\nconst (\n", name)
		for i, v := range s.Enum {
			var cname string
			if t == "integer" && i < len(s.EnumVarNames) {
				cname = name + strings.TrimPrefix(s.EnumVarNames[i], "Action")
			} else {
				cname = name + goName(fmt.Sprint(v))
			}
			if t == "string" {
				fmt.Fprintf(b, "\t%s %s = %q\n", cname, name, v)
			} else {
				fmt.Fprintf(b, "\t%s %s = %v\n", cname, name, v)
			}
		}
		b.WriteString(")\n\n")
		g.written[name] = true
	case t == "object" && len(s.Properties) == 0 && s.additional() != nil:
		comment(b, "", doc)
		elem := strings.TrimPrefix(g.goType(s.additional(), name, "value", schemaName+"{}"), "*")
		fmt.Fprintf(b, "type %s map[string]%s\n\n", name, elem)
		g.written[name] = true
	case t == "object" || t == "":
		g.writeStruct(name, schemaName, s, doc)
	default:
		log.Fatalf("%s: top-level %s", schemaName, t)
	}
	for len(g.pending) > 0 {
		p := g.pending[0]
		g.pending = g.pending[1:]
		d := fmt.Sprintf("%s is the inline object at %s.", p.name, p.origin)
		if p.s.Description != "" {
			d += "\n\n" + p.s.Description
		}
		g.writeStruct(p.name, p.origin, p.s, d)
	}
}

func main() {
	dir := flag.String("dir", ".", "the client package folder to write into")
	flag.Parse()
	var doc struct {
		Components struct {
			Schemas map[string]*schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.JSON, &doc); err != nil {
		log.Fatal(err)
	}
	g := &generator{schemas: doc.Components.Schemas, names: map[string]string{}, written: map[string]bool{}}
	var order []string
	seen := map[string]string{}
	for n := range g.schemas {
		order = append(order, n)
		tn := typeName(n)
		if other, dup := seen[tn]; dup {
			log.Fatalf("schemas %s and %s both map to %s", n, other, tn)
		}
		seen[tn] = n
		g.names[n] = tn
	}
	sort.Strings(order)

	g.out.WriteString("// Code generated by client/internal/gen from the embedded OpenAPI document; DO NOT EDIT.\n\npackage client\n\n")
	for _, n := range order {
		g.writeSchema(n, g.schemas[n])
	}
	write(filepath.Join(*dir, "types_gen.go"), g.out.Bytes())

	var t bytes.Buffer
	t.WriteString("// Code generated by client/internal/gen from the embedded OpenAPI document; DO NOT EDIT.\n\npackage client\n\n")
	t.WriteString("// generatedSchemas maps each schema of the document to a value of its Go type.\nvar generatedSchemas = map[string]any{\n")
	for _, n := range order {
		fmt.Fprintf(&t, "\t%q: %s,\n", n, zeroExpr(g, n))
	}
	t.WriteString("}\n")
	write(filepath.Join(*dir, "schemas_gen_test.go"), t.Bytes())
}

func zeroExpr(g *generator, n string) string {
	s := g.schemas[n]
	t, _ := s.mainType()
	name := g.names[n]
	switch {
	case len(s.Enum) > 0 && t == "string":
		return name + `("")`
	case len(s.Enum) > 0:
		return name + "(0)"
	case t == "object" && len(s.Properties) == 0 && s.additional() != nil:
		return name + "(nil)"
	}
	return name + "{}"
}

func write(path string, src []byte) {
	out, err := format.Source(src)
	if err != nil {
		_ = os.WriteFile(path, src, 0o644)
		log.Fatalf("format %s: %v", path, err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		log.Fatal(err)
	}
}
