#!/usr/bin/env bash
# The long modes of the reliability tests (issue 9), with their figures:
#
#   1. the fault soak at full size: a Lua script makes 2,000 idempotent calls
#      and 200 named machine creates against the simulator injecting 10% 503,
#      5% 429 and 5% connection resets with 50 ms ± 25 ms of latency;
#   2. kill -9 of `flyscript sim --state F` while it writes, 100 rounds.
#
#   scripts/soak.sh [soak|persist|all]     (default all; about 7 minutes)
#
# CI runs a tenth of the soak and 4 kill rounds through plain go test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"
export FLYSCRIPT_SOAK=full

what="${1:-all}"
echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, $(go version | cut -d' ' -f3-)"
echo "== commit $(git rev-parse --short HEAD)"

if [ "$what" = all ] || [ "$what" = soak ]; then
  echo; echo "== fault soak: FLYSCRIPT_SOAK=full go test ./internal/soak -run TestFaultSoak -v"
  go test ./internal/soak -run '^TestFaultSoak$' -count=1 -v -timeout 20m
fi
if [ "$what" = all ] || [ "$what" = persist ]; then
  echo; echo "== kill -9 during state writes: FLYSCRIPT_SOAK=full go test ./cmd/flyscript -run TestKillDuringStateWrite -v"
  go test ./cmd/flyscript -run '^TestKillDuringStateWrite$' -count=1 -v -timeout 20m | grep -vE '^\s+reliability_test.go:[0-9]+: round [0-9]+:'
fi
