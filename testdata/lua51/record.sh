#!/bin/sh
# Records what C Lua 5.1 prints for each script here, in NAME.out. Run from
# this folder with /usr/bin/lua5.1 installed: sh record.sh. The tests
# (hostsafety_test.go) read the recordings and never need lua5.1.
set -eu
for f in *.lua; do
	lua5.1 "$f" >"${f%.lua}.out" 2>&1
done
