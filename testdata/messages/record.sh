#!/bin/sh
# Re-records C Lua 5.1's first line of error output for the scripts Lua has
# (every one but d11 and d13, whose lines are flyscript's own) into
# want.txt. Run in this folder with /usr/bin/lua5.1 installed.
set -eu
{
	for f in d1 d8 d9 d2 d3 d4 d5 d6 d12; do
		printf '%s\t%s\n' "$f" "$(lua5.1 "$f.lua" 2>&1 >/dev/null | head -n 1 | sed 's/^lua5\.1: //')"
	done
	grep -E '^d1[13]	' want.txt
} >want.txt.new
mv want.txt.new want.txt
