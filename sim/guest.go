package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Machine sizes as the platform documents them (fly.io/docs/about/pricing,
// "Machines"): shared CPUs come 1, 2, 4, 6 or 8 to a machine, with 256 MiB
// to 2 GiB of memory per CPU in steps of 256 MiB; performance CPUs 1 to 16
// (1, 2, 4, 6, 8, 10, 12, 14, 16), with 2 GiB to 8 GiB per CPU in steps of
// 1 GiB.
var guestKinds = map[string]struct {
	cpus                 []int
	minPerCPU, maxPerCPU int
	step                 int
	cpusSentence         string
}{
	"shared":      {cpus: []int{1, 2, 4, 6, 8}, minPerCPU: 256, maxPerCPU: 2048, step: 256, cpusSentence: "1, 2, 4, 6 or 8"},
	"performance": {cpus: []int{1, 2, 4, 6, 8, 10, 12, 14, 16}, minPerCPU: 2048, maxPerCPU: 8192, step: 1024, cpusSentence: "1, 2, 4, 6, 8, 10, 12, 14 or 16"},
}

// wholeNumber reads a JSON number (json.Number or float64) that is whole.
func wholeNumber(v any) (int64, bool) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		if err == nil {
			return n, true
		}
		var ferr error
		if f, ferr = x.Float64(); ferr != nil {
			return 0, false
		}
	case float64:
		f = x
	default:
		return 0, false
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, false
	}
	return int64(f), true
}

// checkGuest validates config.guest, filling the defaults the platform
// fills (a shared CPU, the least memory for the CPUs). It returns the 400
// message, in the platform's words where they are known ("invalid
// config.guest.memory_mb, minimum required 2048 MiB").
func checkGuest(g map[string]any) string {
	if _, ok := g["cpu_kind"]; !ok {
		g["cpu_kind"] = "shared"
	}
	kindName, _ := g["cpu_kind"].(string)
	kind, ok := guestKinds[kindName]
	if !ok {
		return fmt.Sprintf("invalid config.guest.cpu_kind %v: want shared or performance", jsonText(g["cpu_kind"]))
	}
	if _, ok := g["cpus"]; !ok {
		g["cpus"] = json.Number("1")
	}
	cpus, ok := wholeNumber(g["cpus"])
	if !ok || !containsInt(kind.cpus, cpus) {
		return fmt.Sprintf("invalid config.guest.cpus %s: %s machines have %s CPUs", jsonText(g["cpus"]), kindName, kind.cpusSentence)
	}
	if _, ok := g["memory_mb"]; !ok {
		g["memory_mb"] = json.Number(fmt.Sprint(cpus * int64(kind.minPerCPU)))
	}
	mem, ok := wholeNumber(g["memory_mb"])
	switch {
	case !ok:
		return fmt.Sprintf("invalid config.guest.memory_mb %s: want a whole number of MiB", jsonText(g["memory_mb"]))
	case mem < cpus*int64(kind.minPerCPU):
		return fmt.Sprintf("invalid config.guest.memory_mb, minimum required %d MiB", cpus*int64(kind.minPerCPU))
	case mem > cpus*int64(kind.maxPerCPU):
		return fmt.Sprintf("invalid config.guest.memory_mb, maximum allowed %d MiB for %d %s CPUs", cpus*int64(kind.maxPerCPU), cpus, kindName)
	case mem%int64(kind.step) != 0:
		return fmt.Sprintf("invalid memory size %d; must be in %d MiB increments", mem, kind.step)
	}
	return ""
}

// checkFiles validates config.files: each a guest_path and a raw_value in
// base64 or a secret_name.
func checkFiles(cfg map[string]any) string {
	v, ok := cfg["files"]
	if !ok || v == nil {
		return ""
	}
	files, ok := v.([]any)
	if !ok {
		return "invalid config.files: want a list"
	}
	for i, f := range files {
		fm, ok := f.(map[string]any)
		if !ok {
			return fmt.Sprintf("invalid config.files[%d]: want an object", i)
		}
		if p, _ := fm["guest_path"].(string); !strings.HasPrefix(p, "/") {
			return fmt.Sprintf("invalid config.files[%d].guest_path %s: want an absolute path", i, jsonText(fm["guest_path"]))
		}
		raw, hasRaw := fm["raw_value"]
		_, hasSecret := fm["secret_name"]
		switch {
		case hasRaw:
			s, ok := raw.(string)
			if !ok {
				return fmt.Sprintf("invalid config.files[%d].raw_value: want a base64 string", i)
			}
			if _, err := base64.StdEncoding.DecodeString(s); err != nil {
				return fmt.Sprintf("invalid config.files[%d].raw_value: not base64: %v", i, err)
			}
		case !hasSecret:
			return fmt.Sprintf("invalid config.files[%d]: want raw_value or secret_name", i)
		}
	}
	return ""
}

func containsInt(xs []int, x int64) bool {
	for _, v := range xs {
		if int64(v) == x {
			return true
		}
	}
	return false
}

// jsonText shows a JSON value in a message.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
