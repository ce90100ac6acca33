// Command benchpairs summarises paired benchmark runs: the output of several
// rounds of `go test -bench` (each round runs every benchmark once, so
// round k holds the k-th result of each name) read from files or stdin.
//
// Benchmarks that compare implementations name them as sub-benchmarks,
// BenchmarkGet/impl=nethttp and BenchmarkGet/impl=client: the first impl
// of a benchmark is its baseline. For every impl and unit (ns/op, B/op,
// heap-B/vm, req/s, ...) benchpairs prints the median over the rounds and,
// for the others, the median of the per-round ratios to the baseline, with
// their range: a ratio from results measured next to each other, which a
// noisy machine disturbs less than it disturbs either median.
//
//	benchpairs [-units ns/op,heap-B/vm] rounds.txt
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	units := flag.String("units", "", "comma-separated units to print (default: every unit)")
	flag.Parse()
	var in io.Reader = os.Stdin
	if flag.NArg() > 0 {
		var readers []io.Reader
		for _, name := range flag.Args() {
			f, err := os.Open(name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "benchpairs:", err)
				os.Exit(1)
			}
			defer f.Close()
			readers = append(readers, f)
		}
		in = io.MultiReader(readers...)
	}
	results, err := parse(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchpairs:", err)
		os.Exit(1)
	}
	var keep []string
	if *units != "" {
		keep = strings.Split(*units, ",")
	}
	fmt.Print(summarise(results, keep))
}

// result is one benchmark line: its name without the GOMAXPROCS suffix and
// its values by unit.
type result struct {
	name   string
	values map[string]float64
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// parse reads the Benchmark lines of go test output, in order.
func parse(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a name printed alone, before its result line
		}
		res := result{name: procSuffix.ReplaceAllString(f[0], ""), values: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: value %q: %v", f[0], f[i], err)
			}
			res.values[f[i+1]] = v
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// series is every round of one benchmark.
type series struct {
	parent, impl string
	rounds       []map[string]float64
}

// split cuts "BenchmarkGet/impl=client" into its parent and impl.
func split(name string) (parent, impl string) {
	if i := strings.Index(name, "/impl="); i >= 0 {
		return name[:i], name[i+len("/impl="):]
	}
	return name, ""
}

// summarise groups results by benchmark and prints one markdown table.
func summarise(results []result, units []string) string {
	var order []*series
	byName := map[string]*series{}
	for _, r := range results {
		s := byName[r.name]
		if s == nil {
			s = &series{}
			s.parent, s.impl = split(r.name)
			byName[r.name] = s
			order = append(order, s)
		}
		s.rounds = append(s.rounds, r.values)
	}
	base := map[string]*series{} // parent -> its first impl
	for _, s := range order {
		if _, ok := base[s.parent]; !ok {
			base[s.parent] = s
		}
	}
	var b strings.Builder
	b.WriteString("| benchmark | impl | unit | rounds | median | ratio to base (median of rounds) | ratio range |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, s := range order {
		for _, unit := range unitsOf(s, units) {
			vals := column(s.rounds, unit)
			if len(vals) == 0 {
				continue
			}
			ratio, span := "", ""
			if bs := base[s.parent]; bs != s {
				if rs := ratios(s.rounds, bs.rounds, unit); len(rs) > 0 {
					ratio = fmt.Sprintf("%.3fx", median(rs))
					span = fmt.Sprintf("%.3f-%.3f", rs[0], rs[len(rs)-1])
				}
			}
			impl := s.impl
			if impl == "" {
				impl = "-"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %s | %s | %s |\n",
				strings.TrimPrefix(s.parent, "Benchmark"), impl, unit, len(vals), format(median(vals)), ratio, span)
		}
	}
	return b.String()
}

// unitsOf lists the units of s to print: those in keep (all when empty),
// in keep's order, else sorted with ns/op first.
func unitsOf(s *series, keep []string) []string {
	seen := map[string]bool{}
	for _, r := range s.rounds {
		for u := range r {
			seen[u] = true
		}
	}
	var out []string
	if len(keep) > 0 {
		for _, u := range keep {
			if seen[u] {
				out = append(out, u)
			}
		}
		return out
	}
	for u := range seen {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool {
		if (out[i] == "ns/op") != (out[j] == "ns/op") {
			return out[i] == "ns/op"
		}
		return out[i] < out[j]
	})
	return out
}

// column is the values of unit over the rounds that have it.
func column(rounds []map[string]float64, unit string) []float64 {
	var out []float64
	for _, r := range rounds {
		if v, ok := r[unit]; ok {
			out = append(out, v)
		}
	}
	return out
}

// ratios divides each round of s by the same round of base, sorted.
func ratios(s, base []map[string]float64, unit string) []float64 {
	var out []float64
	for i := 0; i < len(s) && i < len(base); i++ {
		v, ok1 := s[i][unit]
		bv, ok2 := base[i][unit]
		if ok1 && ok2 && bv != 0 {
			out = append(out, v/bv)
		}
	}
	sort.Float64s(out)
	return out
}

// median of vals (which it sorts).
func median(vals []float64) float64 {
	sort.Float64s(vals)
	n := len(vals)
	if n%2 == 1 {
		return vals[n/2]
	}
	return (vals[n/2-1] + vals[n/2]) / 2
}

// format prints v with a precision that suits its size.
func format(v float64) string {
	switch {
	case v >= 1000:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
}
