#!/bin/sh
# Records what C Lua 5.1 prints for each script here, in NAME.out: run
# from the repository's root as testdata/lua51/NAME.lua (the chunk name
# flyscript's tests give it), its standard input NAME.in when there is one.
# Run with /usr/bin/lua5.1 (5.1.5) installed: sh testdata/lua51/record.sh.
# The tests (lua51_conformance_test.go, hostsafety_test.go) read the
# recordings and never need lua5.1.
set -eu
cd "$(dirname "$0")/../.."
for f in testdata/lua51/*.lua; do
	in=/dev/null
	if [ -f "${f%.lua}.in" ]; then
		in="${f%.lua}.in"
	fi
	TZ=UTC lua5.1 "$f" <"$in" >"${f%.lua}.out"
done
