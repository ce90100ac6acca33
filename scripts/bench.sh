#!/usr/bin/env bash
# Runs every measurement of BENCHMARKS.md (issue 8) side by side and
# summarises them: the paired benchmarks of internal/bench, the start-up of
# `flyscript -e ""` against an empty Go program, lua5.1 and three floors
# (internal/bench/cmd/floor-*: net/http alone, with a gopher-lua state, and
# the least program that embeds flyscript), and two existing
# benchmarks of the bindings (the one-time schema decode that start-up
# avoids, the cost of opening the fly module).
#
#   scripts/bench.sh                 # everything, about 8 minutes on 2 cores
#   ROUNDS=3 PACED_ROUNDS=1 STARTUP_RUNS=20 scripts/bench.sh   # a quicker pass
#   ONLY='Get|GetLua' scripts/bench.sh                          # some benchmarks
#
# A round runs each benchmark once (-test.count 1), its implementations one
# after the other, and rounds repeat ROUNDS times: the summary gives, for each
# implementation, the median over the rounds and the median of its per-round
# ratios to the first implementation of the same benchmark (cmd/benchpairs),
# plus benchstat's table (-col /impl). Everything lands in $OUT (default
# /tmp/flyscript-bench); nothing is written in the repository. Installs
# lua5.1, hyperfine and GNU time with apt-get when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

OUT="${OUT:-/tmp/flyscript-bench}"
ROUNDS="${ROUNDS:-10}"              # paired rounds of the fast benchmarks
PACED_ROUNDS="${PACED_ROUNDS:-3}"   # rounds of the paced fan-out (about 28 s each)
STARTUP_RUNS="${STARTUP_RUNS:-100}" # runs of each command in the start-up measurement
ONLY="${ONLY:-}"                    # a regexp: run only the benchmarks it matches
BENCHSTAT="golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"

mkdir -p "$OUT"
: >"$OUT/rounds.txt"
: >"$OUT/paced.txt"

# --- tools -----------------------------------------------------------------
missing=()
command -v lua5.1 >/dev/null || missing+=(lua5.1)
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# --- builds ----------------------------------------------------------------
echo "building" >&2
go build -o "$OUT/flyscript" ./cmd/flyscript
go test -c -o "$OUT/bench.test" ./internal/bench
go test -c -o "$OUT/bindings.test" ./bindings
go build -o "$OUT/benchpairs" ./internal/bench/cmd/benchpairs
go build -o "$OUT/startup" ./internal/bench/cmd/startup
mkdir -p "$OUT/empty"
printf 'module empty\n\ngo 1.26\n' >"$OUT/empty/go.mod"
printf 'package main\n\nfunc main() {}\n' >"$OUT/empty/main.go"
(cd "$OUT/empty" && go build -o "$OUT/empty-go" .)
for floor in nethttp lua embed; do
  go build -o "$OUT/floor-$floor" "./internal/bench/cmd/floor-$floor"
done

{
  echo "date: $(date -u +%Y-%m-%d)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (work tree has changes)')"
  echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
  echo "memory: $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "go: $(go version | cut -d' ' -f3-)"
  echo "lua5.1: $(lua5.1 -v 2>&1 | head -1)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"

# --- paired benchmark rounds -------------------------------------------------
# name regexp, -test.benchtime
groups=(
  '^(BenchmarkGet|BenchmarkGetLua)$ 0.5s'
  '^(BenchmarkListConvert|BenchmarkListE2E)$ 10x'
  '^BenchmarkVMHeap$ 10x'
  '^BenchmarkSimThroughput$ 1s'
  '^BenchmarkFanOut$ 1x'
)
bench() { # regexp benchtime file
  if [ -n "$ONLY" ] && ! grep -Eq "$ONLY" <<<"${1//[\^\$()]/}"; then return; fi
  (cd internal/bench && "$OUT/bench.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" \
    -test.count 1 -test.benchmem) | grep -E '^(Benchmark|goos|goarch|pkg|cpu)' >>"$3"
}
for r in $(seq 1 "$ROUNDS"); do
  echo "round $r/$ROUNDS" >&2
  for g in "${groups[@]}"; do
    set -- $g
    bench "$1" "$2" "$OUT/rounds.txt"
  done
done
for r in $(seq 1 "$PACED_ROUNDS"); do
  echo "paced fan-out $r/$PACED_ROUNDS" >&2
  bench '^BenchmarkPacedFanOut$' 1x "$OUT/paced.txt"
done

# --- start-up ----------------------------------------------------------------
# A token in the environment, as a user has: without one, flyscript stops
# with a usage error before making its VM.
export FLY_API_TOKEN=bench-token
startup_md="$OUT/startup.md"
: >"$startup_md"
if [ -z "$ONLY" ] || grep -Eq "$ONLY" <<<"Startup"; then
  echo "start-up" >&2
  "$OUT/startup" -n "$STARTUP_RUNS" -warmup 10 \
    -- go-empty "$OUT/empty-go" \
    -- lua5.1 lua5.1 -e '' \
    -- 'floor: net/http linked' "$OUT/floor-nethttp" \
    -- 'floor: net/http + gopher-lua state' "$OUT/floor-lua" \
    -- 'floor: embedding program' "$OUT/floor-embed" \
    -- 'flyscript version' "$OUT/flyscript" version \
    -- 'flyscript -e ""' "$OUT/flyscript" -e '' \
    -- 'flyscript --sim -e ""' "$OUT/flyscript" --sim -e '' >"$startup_md"
  hyperfine -N --warmup 10 --runs "$STARTUP_RUNS" --export-markdown "$OUT/hyperfine.md" \
    --export-json "$OUT/hyperfine.json" \
    "$OUT/empty-go" "lua5.1 -e ''" "$OUT/flyscript -e ''" >/dev/null 2>&1 || echo "(hyperfine failed)" >"$OUT/hyperfine.md"
  # hyperfine's markdown gives the mean, which one stall on a shared machine
  # moves; its JSON has the median too.
  grep -Eo '"(command|median)": *("[^"]*"|[0-9.e-]+)' "$OUT/hyperfine.json" 2>/dev/null |
    paste - - | awk -F'\t' '{ c = $1; sub(/^"command": *"/, "", c); sub(/"$/, "", c)
      m = $2; sub(/^"median": */, "", m); printf "| `%s` | median %.2f ms |\n", c, m * 1000 }' >"$OUT/hyperfine-median.md" || true
  GODEBUG=inittrace=1 "$OUT/flyscript" -e '' 2>"$OUT/inittrace.txt" || true
  awk '/^init / { ms += $5; kb += $8 / 1024; n++ } END { printf "package initialisation (GODEBUG=inittrace=1, one run): %d packages, %.2f ms, %.0f KiB allocated\n", n, ms, kb }' \
    "$OUT/inittrace.txt" >"$OUT/inittrace-sum.txt"
  # What the lazy decode saves: the first call that needs the schemas pays it.
  (cd bindings && "$OUT/bindings.test" -test.run '^$' -test.bench '^(BenchmarkSchemaIndex|BenchmarkOpen)$' \
    -test.count 5 -test.benchmem) | grep -E '^Benchmark' >"$OUT/bindings.txt" || true
fi

# --- summary -------------------------------------------------------------------
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
{
  echo "## machine"
  echo
  sed 's/^/    /' "$OUT/machine.txt"
  echo
  echo "## paired rounds (median over rounds; ratio = median of per-round ratios to the first impl)"
  echo
  cat "$OUT/rounds.txt" "$OUT/paced.txt" |
    "$OUT/benchpairs" -units 'ns/op,cpu-ns/op,B/op,allocs/op,heap-B/vm,alloc-B/vm,ns/vm,x-ideal,ms/call,calls/op,x-floor,429s/op,req/s'
  if [ -s "$startup_md" ]; then
    echo
    echo "## start-up (interleaved runs; peak RSS from GNU time's %M)"
    echo
    cat "$startup_md"
    echo
    echo "hyperfine (mean), then its medians:"
    echo
    cat "$OUT/hyperfine.md"
    echo
    cat "$OUT/hyperfine-median.md"
    echo
    cat "$OUT/inittrace-sum.txt"
    echo
    echo "bindings benchmarks (one-time schema decode, opening the fly module):"
    echo
    sed 's/^/    /' "$OUT/bindings.txt"
  fi
} >"$OUT/summary.md"
if [ -s "$OUT/rounds.txt" ]; then
  # One benchstat table per benchmark, its implementations side by side.
  for name in $(grep -Eo '^Benchmark[A-Za-z0-9]+' "$OUT/rounds.txt" | sort -u); do
    go run "$BENCHSTAT" -filter ".name:${name#Benchmark}" -col /impl "$OUT/rounds.txt" 2>/dev/null |
      grep -Ev '^(goos|goarch|pkg|cpu):' || true
  done >"$OUT/benchstat.txt"
fi
cat "$OUT/summary.md"
echo
echo "files: $OUT/summary.md, rounds.txt, paced.txt, benchstat.txt, startup.md, hyperfine.md, inittrace.txt" >&2
