package main

import (
	"fmt"
	"strconv"
	"strings"
)

// defaultMaxMemory is the memory budget of a run without --max-memory: the
// sandbox's own (256 MiB) under --sandbox, this otherwise.
const defaultMaxMemory = 1 << 30

// sizeFlag is a byte size flag: "512MiB", "1GiB", "2G", "300M", "64k",
// plain bytes, or 0 for none. set tells whether it was given.
type sizeFlag struct {
	n   int64
	set bool
}

func (s *sizeFlag) String() string { return strconv.FormatInt(s.n, 10) }

// Set parses a size; units are powers of 1024 (K, M, G, with or without
// "iB" or "B"), case-insensitive.
func (s *sizeFlag) Set(v string) error {
	n, err := parseSize(v)
	if err != nil {
		return err
	}
	s.n, s.set = n, true
	return nil
}

func parseSize(v string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gib", 1 << 30}, {"mib", 1 << 20}, {"kib", 1 << 10}, {"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10},
		{"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}, {"b", 1}} {
		if rest, ok := strings.CutSuffix(t, u.suffix); ok {
			t, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !(f >= 0 && f*float64(mult) <= 1<<62) { // NaN fails both
		return 0, fmt.Errorf("%q is not a size (use e.g. 512MiB, 2GiB, or 0 for no limit)", v)
	}
	return int64(f * float64(mult)), nil
}
