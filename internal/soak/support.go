package soak

import (
	"strings"
)

// Token is the recognisable token of the secrets tests: two macaroon-like
// parts, each carrying the marker lLeAkMeNoT.
const Token = "FlyV1 fm2_lLeAkMeNoTaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789,fm2_lLeAkMeNoTsEcOnDpArT9876543210"

// Secrets are the strings no output may contain: Token, each of its parts,
// and the marker (which also catches a part cut short or URL-escaped).
var Secrets = []string{Token, "fm2_lLeAkMeNoTaBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "fm2_lLeAkMeNoTsEcOnDpArT9876543210", "lLeAkMeNoT"}

// Leaks returns each secret found in s with the text around it, empty when
// s is clean.
func Leaks(s string) []string {
	var out []string
	for _, sec := range Secrets {
		if i := strings.Index(s, sec); i >= 0 {
			out = append(out, sec+" in "+s[max(0, i-80):min(len(s), i+len(sec)+20)])
		}
	}
	return out
}
