#!/usr/bin/env bash
# Runs every fuzz target of flyscript for N minutes each (default 5), one
# after the other, with go test -fuzz. CI runs only the seed corpora (the
# f.Add seeds and testdata/fuzz/<Target>/ of each package) with plain go test.
#
#   scripts/fuzz.sh [minutes] [--save N]
#
# --save N copies up to N of the smallest new inputs the fuzzer found
# interesting into the package's testdata/fuzz/<Target>/, to be reviewed and
# checked in as seeds. A crash leaves its input there too (go test does
# that), and the script stops with the failure.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

minutes="${1:-5}"
save=0
if [ "${2:-}" = "--save" ]; then save="${3:-40}"; fi

# package target
targets=(
  "./sim FuzzSimRequestDecoding"
  "./sim FuzzLoadState"
  "./bindings FuzzCallArguments"
  "./stdlib FuzzLuaJSONDecode"
  "./stdlib FuzzFromJSON"
  "./stdlib/luapattern FuzzAgainstLua51"
)

cache="$(go env GOCACHE)/fuzz/$(go list -m)"
for t in "${targets[@]}"; do
  set -- $t
  pkg="$1" target="$2"
  printf '\n== %s %s: %s minute(s)\n' "$pkg" "$target" "$minutes"
  start=$(date +%s)
  # -fuzzminimizetime bounds the minimisation of each new input, which
  # otherwise can take a minute without counting executions.
  go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "${minutes}m" -fuzzminimizetime 10s -parallel 2
  echo "== $target: $(( $(date +%s) - start ))s, corpus in the cache: $(ls "$cache/${pkg#./}/$target" 2>/dev/null | wc -l) inputs"
  if [ "$save" -gt 0 ]; then
    dest="${pkg#./}/testdata/fuzz/$target"
    mkdir -p "$dest"
    ls -S -r "$cache/${pkg#./}/$target" 2>/dev/null | head -n "$save" | while read -r f; do
      cp -n "$cache/${pkg#./}/$target/$f" "$dest/$f"
    done
    echo "== saved to $dest: $(ls "$dest" | wc -l) inputs"
  fi
done
