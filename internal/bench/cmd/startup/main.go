// Command startup measures the start-up of commands: wall time and peak
// resident memory over many runs, the commands taking turns (A B C, A B C,
// ...) so that a noisy machine disturbs them alike, and each compared with
// the first command round by round.
//
//	startup [-n 50] [-warmup 5] [-time /usr/bin/time] -- NAME ARGV... -- NAME ARGV...
//
// The peak RSS is GNU time's %M (getrusage's ru_maxrss of a forked child),
// measured in separate runs under -time: the ru_maxrss of a child started by
// Go itself is useless for small programs, because Go starts children with
// vfork semantics and Linux charges the parent's peak RSS, shared until exec,
// to the child.
//
// Each group after a "--" is a label and the command to run, without a
// shell: `-- lua lua5.1 -e ”` runs lua5.1 with the arguments -e and "".
// Output is a markdown table: median, 10th and 90th percentile of the wall
// time, median peak RSS, and the median of the per-round ratios of the wall
// time to the first command's. A command that fails stops the measurement.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 50, "measured runs of each command")
	warmup := flag.Int("warmup", 5, "unmeasured runs of each command first")
	timeCmd := flag.String("time", "/usr/bin/time", "GNU time, for the peak RSS (empty: no RSS)")
	flag.Parse()
	args := flag.Args()
	if len(args) > 0 && args[0] != "--" {
		args = append([]string{"--"}, args...) // flag.Parse took the first "--"
	}
	cmds, err := groups(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(2)
	}
	if err := measure(cmds, *warmup, *n, *timeCmd, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

// command is one labelled command and its runs.
type command struct {
	label string
	argv  []string
	wall  []time.Duration
	rss   []int64 // KiB
}

// groups splits "-- name argv... -- name argv..." into commands.
func groups(args []string) ([]*command, error) {
	var out []*command
	var cur *command
	for _, a := range args {
		switch {
		case a == "--":
			cur = &command{}
			out = append(out, cur)
		case cur == nil:
			return nil, fmt.Errorf("expected -- before %q", a)
		case cur.label == "":
			cur.label = a
		default:
			cur.argv = append(cur.argv, a)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no command given")
	}
	for _, c := range out {
		if len(c.argv) == 0 {
			return nil, fmt.Errorf("command %q has no argv", c.label)
		}
	}
	return out, nil
}

// run starts argv once and returns its wall time.
func run(argv []string) (time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout = nil, io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	return wall, nil
}

// peakRSS runs argv once under GNU time and returns its peak RSS in KiB.
func peakRSS(timeCmd string, argv []string) (int64, error) {
	f, err := os.CreateTemp("", "startup-rss-*")
	if err != nil {
		return 0, err
	}
	_ = f.Close()
	defer os.Remove(f.Name())
	if _, err := run(append([]string{timeCmd, "-f", "%M", "-o", f.Name()}, argv...)); err != nil {
		return 0, err
	}
	out, err := os.ReadFile(f.Name())
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
}

// measure runs the commands in turn, then again under timeCmd for their
// peak RSS, and writes the table.
func measure(cmds []*command, warmup, n int, timeCmd string, w io.Writer) error {
	for i := 0; i < warmup+n; i++ {
		for _, c := range cmds {
			wall, err := run(c.argv)
			if err != nil {
				return err
			}
			if i >= warmup {
				c.wall = append(c.wall, wall)
			}
		}
	}
	for i := 0; timeCmd != "" && i < n; i++ {
		for _, c := range cmds {
			rss, err := peakRSS(timeCmd, c.argv)
			if err != nil {
				return err
			}
			c.rss = append(c.rss, rss)
		}
	}
	fmt.Fprint(w, table(cmds))
	return nil
}

// table formats the runs of cmds.
func table(cmds []*command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| command | runs | wall median | wall p10 | wall p90 | peak RSS median | wall ratio to %s (median of rounds) |\n", cmds[0].label)
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, c := range cmds {
		ratio := ""
		if c != cmds[0] {
			var rs []float64
			for i := range c.wall {
				rs = append(rs, float64(c.wall[i])/float64(cmds[0].wall[i]))
			}
			sort.Float64s(rs)
			ratio = fmt.Sprintf("%.2fx", rs[len(rs)/2])
		}
		wall := append([]time.Duration(nil), c.wall...)
		sort.Slice(wall, func(i, j int) bool { return wall[i] < wall[j] })
		rss := "-"
		if len(c.rss) > 0 {
			kib := append([]int64(nil), c.rss...)
			sort.Slice(kib, func(i, j int) bool { return kib[i] < kib[j] })
			rss = fmt.Sprintf("%.1f MiB", float64(pick(kib, 0.5))/1024)
		}
		fmt.Fprintf(&b, "| %s | %d | %s | %s | %s | %s | %s |\n", c.label, len(wall),
			ms(pick(wall, 0.5)), ms(pick(wall, 0.1)), ms(pick(wall, 0.9)), rss, ratio)
	}
	return b.String()
}

// pick returns the q-quantile of sorted vals (nearest rank).
func pick[T any](vals []T, q float64) T {
	i := int(q * float64(len(vals)))
	if i >= len(vals) {
		i = len(vals) - 1
	}
	return vals[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
