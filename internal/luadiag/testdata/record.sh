#!/bin/sh
# Records what C Lua 5.1 says about each case in syntax/ and runtime/:
# the first line of its error output, without the "lua5.1: " prefix, in
# <dir>/lua51.txt as "name<TAB>message". Run from this folder with
# /usr/bin/lua5.1 installed: sh record.sh. The tests read the recordings
# and never need lua5.1.
set -eu
for dir in syntax runtime; do
	[ -d "$dir" ] || continue
	out="$dir/lua51.txt"
	: >"$out"
	for f in "$dir"/*.lua; do
		name=$(basename "$f" .lua)
		msg=$(cd "$dir" && lua5.1 "$name.lua" 2>&1 >/dev/null | head -n 1 | sed 's/^lua5\.1: //')
		printf '%s\t%s\n' "$name" "$msg" >>"$out"
	done
done
